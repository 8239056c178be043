import { afterEach, beforeEach, expect, test } from 'vitest';
import { getPredictionMetricsRegistry, traced, type PredictionRecord } from '../src/index';
import { captureDiag, memoryTracing, uniqueModel } from '@modelsight/test-support';

const tracing = memoryTracing();
const diagnostics = captureDiag();
beforeEach(() => diagnostics.reset());
afterEach(() => tracing.reset());

const classify = (rows: number[]) =>
  rows.map((x) => ({ label: x > 0 ? 'pos' : 'neg', confidence: Math.min(1, Math.abs(x)) }));

test('a batch call makes one span with ml.batch.size', () => {
  const predict = traced(classify, { model: uniqueModel(), batch: true, tracer: tracing.tracer });
  const result = predict([0.5, -0.2, 0.95, 0.05]);
  expect(result).toHaveLength(4);
  expect(tracing.spans()).toHaveLength(1);
  expect(tracing.spans()[0]!.attributes['ml.batch.size']).toBe(4);
  expect(tracing.spans()[0]!.attributes['ml.prediction.confidence']).toBeUndefined();
});

test('metrics count and observe every item of a batch', async () => {
  const model = uniqueModel();
  const predict = traced(async (rows: number[]) => classify(rows), { model, batch: true, tracer: tracing.tracer });
  await predict([0.5, -0.2, 0.95]);
  await predict([0.05]);
  const stats = getPredictionMetricsRegistry().forModel(model);
  expect(stats.ok).toBe(4);
  expect(stats.confidence.count).toBe(4);
  expect(stats.confidence.sum).toBeCloseTo(0.5 + 0.2 + 0.95 + 0.05, 12);
  expect(stats.batchSize.count).toBe(2);
  expect(stats.batchSize.sum).toBe(4);
  expect(stats.duration.count).toBe(2);
});

test('a failed batch counts every item as an error', () => {
  const model = uniqueModel();
  const predict = traced(
    (_rows: number[]) => {
      throw new RangeError('too big');
    },
    { model, batch: true, tracer: tracing.tracer },
  );
  expect(() => predict([1, 2, 3])).toThrow(RangeError);
  expect(getPredictionMetricsRegistry().forModel(model).error).toBe(3);
});

test('observers see each item with its own ID, label, confidence and features', () => {
  const seen: PredictionRecord[] = [];
  const predict = traced(classify, {
    model: uniqueModel(),
    batch: true,
    tracer: tracing.tracer,
    features: (rows: number[]) => rows.map((x) => ({ x })),
    observers: [{ onPrediction: (record) => seen.push(record) }],
  });
  const { prediction } = predict.withPrediction([0.5, -0.25]);
  expect(prediction.itemIds).toEqual([`${prediction.predictionId}.0`, `${prediction.predictionId}.1`]);
  expect(seen.map((r) => [r.predictionId, r.label, r.confidence, r.features])).toEqual([
    [prediction.itemIds[0], 'pos', 0.5, { x: 0.5 }],
    [prediction.itemIds[1], 'neg', 0.25, { x: -0.25 }],
  ]);
  expect(seen.every((r) => r.traceId === prediction.traceId && r.status === 'ok')).toBe(true);
});

test('a batch result that is not an array of the same length is reported once and still counted', () => {
  const model = uniqueModel();
  const predict = traced((rows: number[]) => rows.slice(1), { model, batch: true, tracer: tracing.tracer });
  expect(predict([1, 2, 3])).toEqual([2, 3]);
  predict([1, 2]);
  const stats = getPredictionMetricsRegistry().forModel(model);
  expect(stats.ok).toBe(5);
  expect(stats.instrumentationErrors.get('batch_shape')).toBe(2);
  expect(diagnostics.warnings).toHaveLength(1);
  expect(diagnostics.warnings[0]).toContain('as many items as its input (3 items)');
});

test('a batch call given something other than an array counts one prediction and reports it', () => {
  const model = uniqueModel();
  // @ts-expect-error batch mode needs a function whose first parameter is an array
  const predict = traced((row: string) => [row], { model, batch: true, tracer: tracing.tracer });
  expect(predict('not an array' as never)).toEqual(['not an array']);
  expect(getPredictionMetricsRegistry().forModel(model).ok).toBe(1);
  expect(diagnostics.warnings[0]).toContain('must take an array as its first argument');
});

test('a batch call given something other than an array gives observers and the caller the ID of its one item', () => {
  const seen: PredictionRecord[] = [];
  const predict = traced((row: string) => [{ label: row }], {
    model: uniqueModel(),
    // @ts-expect-error batch mode needs a function whose first parameter is an array
    batch: true,
    tracer: tracing.tracer,
    observers: [{ onPrediction: (r) => seen.push(r) }],
  });
  const { prediction } = predict.withPrediction('one' as never);
  expect(prediction.itemIds).toEqual([`${prediction.predictionId}.0`]);
  expect(seen.map((r) => [r.predictionId, r.label])).toEqual([[prediction.itemIds[0], 'one']]);
  expect(tracing.spans()[0]!.attributes['ml.batch.size']).toBe(1);
});

test('a failed batch call given something other than an array gives observers the ID of its one item', () => {
  const seen: PredictionRecord[] = [];
  const predict = traced(
    (_row: string): string[] => {
      throw new Error('bad row');
    },
    // @ts-expect-error batch mode needs a function whose first parameter is an array
    { model: uniqueModel(), batch: true, tracer: tracing.tracer, observers: [{ onPrediction: (r) => seen.push(r) }] },
  );
  expect(() => predict('one' as never)).toThrow('bad row');
  expect(seen).toHaveLength(1);
  expect(typeof seen[0]!.predictionId).toBe('string');
  expect(seen[0]!.predictionId).toMatch(/\.0$/);
});
