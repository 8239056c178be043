import { context, trace } from '@opentelemetry/api';
import { afterEach, expect, test } from 'vitest';
import { getActivePrediction, getPredictionMetricsRegistry, traced } from '../src/index';
import { memoryTracing, uniqueModel } from '@modelsight/test-support';

const tracing = memoryTracing();
afterEach(() => tracing.reset());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('100 concurrent async predictions each keep their own span and parent', async () => {
  const predict = traced(
    async (i: number) => {
      await sleep((i * 7) % 13);
      const active = trace.getActiveSpan()!;
      return { label: String(i), spanId: active.spanContext().spanId };
    },
    { model: uniqueModel(), tracer: tracing.tracer },
  );

  const requests = Array.from({ length: 100 }, (_, i) =>
    tracing.tracer.startActiveSpan(`request ${i}`, async (parent) => {
      await sleep((i * 3) % 5);
      const result = await predict(i);
      parent.end();
      return result;
    }),
  );
  const results = await Promise.all(requests);

  const spans = tracing.spans();
  expect(spans).toHaveLength(200);
  for (let i = 0; i < 100; i++) {
    const parent = tracing.spanNamed(`request ${i}`);
    const child = spans.find((s) => s.attributes['ml.prediction.label'] === String(i))!;
    expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(results[i]!.spanId).toBe(child.spanContext().spanId);
  }
});

test('nested traced calls form a parent/child tree (an ensemble calling two sub-models)', async () => {
  const tree = traced(async (x: number) => ({ label: x > 0 ? 'a' : 'b', confidence: 0.8 }), {
    model: { name: 'tree', version: '2' },
    tracer: tracing.tracer,
  });
  const linear = traced((x: number) => ({ label: 'a', confidence: 0.6 + x / 10 }), {
    model: { name: 'linear', version: '3' },
    tracer: tracing.tracer,
  });
  const ensemble = traced(
    async (x: number) => {
      const [t, l] = await Promise.all([tree(x), Promise.resolve(linear(x))]);
      return { label: t.label, confidence: (t.confidence + l.confidence) / 2 };
    },
    { model: { name: 'ensemble', version: '1' }, tracer: tracing.tracer },
  );

  await ensemble(1);
  const root = tracing.spanNamed('predict ensemble');
  const children = [tracing.spanNamed('predict tree'), tracing.spanNamed('predict linear')];
  expect(root.parentSpanContext).toBeUndefined();
  for (const child of children) {
    expect(child.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(child.spanContext().traceId).toBe(root.spanContext().traceId);
  }
  expect(root.attributes['ml.prediction.confidence']).toBeCloseTo(0.75, 12);
});

test('withPrediction returns the result with the prediction ID and trace ID of the span', async () => {
  const model = uniqueModel();
  const predict = traced(async (x: number) => ({ label: 'a', x }), { model, tracer: tracing.tracer });
  const { result, prediction } = await predict.withPrediction(7);
  expect(result).toEqual({ label: 'a', x: 7 });
  const span = tracing.spans()[0]!;
  expect(prediction.predictionId).toBe(span.attributes['ml.prediction.id']);
  expect(prediction.traceId).toBe(span.spanContext().traceId);
  expect(prediction.spanId).toBe(span.spanContext().spanId);
  expect(prediction.model).toEqual(model);
  expect(prediction.itemIds).toEqual([]);
});

test('withPrediction of a sync function answers synchronously', () => {
  const predict = traced(() => 'x', { model: uniqueModel(), tracer: tracing.tracer });
  const answer = predict.withPrediction();
  expect(answer.result).toBe('x');
  expect(answer.prediction.traceId).toMatch(/^[0-9a-f]{32}$/);
});

test('getActivePrediction inside the wrapped function gives the current prediction; outside, nothing', async () => {
  const model = uniqueModel();
  let inside: ReturnType<typeof getActivePrediction>;
  const predict = traced(
    async () => {
      await sleep(1);
      inside = getActivePrediction();
      return 'ok';
    },
    { model, tracer: tracing.tracer },
  );
  const { prediction } = await predict.withPrediction();
  expect(inside).toEqual(prediction);
  expect(getActivePrediction()).toBeUndefined();
});

test('an unsampled prediction records no span but is still counted', () => {
  const unsampled = memoryTracing({ sampled: false });
  const model = uniqueModel();
  const predict = traced(() => ({ label: 'a', confidence: 0.4 }), { model, tracer: unsampled.tracer });
  const { prediction } = predict.withPrediction();
  expect(unsampled.spans()).toHaveLength(0);
  const stats = getPredictionMetricsRegistry().forModel(model);
  expect(stats.ok).toBe(1);
  expect(stats.confidence.count).toBe(1);
  expect(prediction.predictionId).toMatch(/-/);
  memoryTracing();
});

test('with no SDK registered, predictions still work and are counted', () => {
  trace.disable();
  context.disable();
  const model = uniqueModel();
  const predict = traced((x: number) => ({ label: 'a', x }), { model });
  const { result, prediction } = predict.withPrediction(3);
  expect(result).toEqual({ label: 'a', x: 3 });
  expect(prediction.traceId).toBe('00000000000000000000000000000000');
  expect(getPredictionMetricsRegistry().forModel(model).ok).toBe(1);
  memoryTracing();
});
