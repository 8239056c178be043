import { context, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { getPredictionMetricsRegistry, traced, type PredictionRecord } from '../src/index';
import { captureDiag, memoryTracing, uniqueModel } from '@modelsight/test-support';

const tracing = memoryTracing();
const diagnostics = captureDiag();
beforeEach(() => diagnostics.reset());
afterEach(() => tracing.reset());

test('an observer sees each prediction with its ID, trace ID, outcome and timing', async () => {
  const seen: PredictionRecord[] = [];
  const model = uniqueModel();
  const result = { label: 'setosa', probabilities: [0.9, 0.05, 0.05] };
  const predict = traced(async (_x: number) => result, {
    model,
    tracer: tracing.tracer,
    features: (x) => ({ x }),
    observers: [{ onPrediction: (record) => seen.push(record) }],
  });
  const { prediction } = await predict.withPrediction(5);
  expect(seen).toHaveLength(1);
  const [record] = seen;
  expect(record).toMatchObject({
    model,
    predictionId: prediction.predictionId,
    traceId: prediction.traceId,
    status: 'ok',
    label: 'setosa',
    confidence: 0.9,
    output: result,
    features: { x: 5 },
  });
  expect(record!.durationSeconds).toBeGreaterThanOrEqual(0);
  expect(record!.endTime).toBeLessThanOrEqual(Date.now());
});

test('an observer sees failed predictions with status error', () => {
  const seen: PredictionRecord[] = [];
  const predict = traced(
    () => {
      throw new Error('x');
    },
    { model: uniqueModel(), tracer: tracing.tracer, observers: [{ onPrediction: (r) => seen.push(r) }] },
  );
  expect(() => predict()).toThrow('x');
  expect(seen.map((r) => [r.status, r.output, r.label])).toEqual([['error', undefined, undefined]]);
});

test('an observer that throws is reported once and neither the caller nor other observers notice', () => {
  const model = uniqueModel();
  const seen: PredictionRecord[] = [];
  const predict = traced(() => 'a', {
    model,
    tracer: tracing.tracer,
    observers: [
      {
        onPrediction() {
          throw new Error('observer bug');
        },
      },
      { onPrediction: (r) => seen.push(r) },
    ],
  });
  expect(predict()).toBe('a');
  expect(predict()).toBe('a');
  expect(seen).toHaveLength(2);
  expect(diagnostics.warnings).toHaveLength(1);
  expect(diagnostics.warnings[0]).toContain('observer');
  expect(getPredictionMetricsRegistry().forModel(model).instrumentationErrors.get('observer')).toBe(2);
});

test('an observer gets the trace ID of an unsampled prediction, and none without an SDK', () => {
  const unsampled = memoryTracing({ sampled: false });
  const seen: PredictionRecord[] = [];
  const observers = [{ onPrediction: (r: PredictionRecord) => seen.push(r) }];
  traced(() => 'a', { model: uniqueModel(), tracer: unsampled.tracer, observers })();
  expect(seen[0]!.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(unsampled.spans()).toHaveLength(0);
  trace.disable();
  context.disable();
  traced(() => 'a', { model: uniqueModel(), observers })();
  expect(seen[1]!.traceId).toBeUndefined();
  memoryTracing();
});
