import { afterAll, beforeAll, expect, test } from 'vitest';
import { modelVersions, predictionMetricProducer, PredictionMetricsRegistry } from '../src/index';
import { metricsEndpoint, samplesOf } from './support/metrics-endpoint';
import { seededRandom } from './support/seeded-random';
import { memoryTracing } from '@modelsight/test-support';

// A registry of its own, exported through the real Prometheus exporter of a plain MeterProvider.
const registry = new PredictionMetricsRegistry();
let endpoint: Awaited<ReturnType<typeof metricsEndpoint>>;
beforeAll(async () => {
  endpoint = await metricsEndpoint([predictionMetricProducer({ registry })]);
});
afterAll(() => endpoint.close());

const label = (x: number) => ({ label: x > 0.5 ? 'versicolor' : 'setosa', confidence: 0.9 });

test("a shadow runs after the caller got its answer, in a trace of its own linked to the primary's span", async () => {
  const tracing = memoryTracing();
  let shadowCalls = 0;
  const predict = modelVersions({
    name: 'shadow-spans',
    registry,
    tracer: tracing.tracer,
    primary: { version: '1.0.0', predict: label },
    shadows: [
      {
        version: '2.0.0',
        predict: (x: number) => {
          shadowCalls++;
          return label(x);
        },
      },
    ],
  });
  expect(predict(0.7)).toEqual({ label: 'versicolor', confidence: 0.9 });
  // Not in the caller's tick: the shadow starts from setImmediate.
  expect(shadowCalls).toBe(0);
  await predict.flushShadows();
  expect(shadowCalls).toBe(1);
  const [primary, shadow] = ['1.0.0', '2.0.0'].map(
    (version) => tracing.spans().find((s) => s.attributes['ml.model.version'] === version)!,
  );
  expect(shadow!.name).toBe('predict shadow-spans');
  expect(shadow!.spanContext().traceId).not.toBe(primary!.spanContext().traceId);
  expect(shadow!.parentSpanContext).toBeUndefined();
  expect(shadow!.links.map((l) => l.context.spanId)).toEqual([primary!.spanContext().spanId]);
  expect(shadow!.attributes['ml.prediction.label']).toBe('versicolor');
});

test('shadow answers are compared with the primary’s: agree, disagree and error on the real /metrics', async () => {
  const predict = modelVersions({
    name: 'shadow-compare',
    registry,
    primary: { version: '1.0.0', predict: label },
    shadows: [
      // Disagrees below 0.3, fails above 0.9.
      {
        version: '2.0.0',
        predict: async (x: number) => {
          if (x > 0.9) throw new Error('shadow failure');
          return x < 0.3 ? { label: 'virginica' } : label(x);
        },
      },
    ],
  });
  const inputs = [0.1, 0.2, 0.4, 0.6, 0.7, 0.8, 0.95];
  for (const x of inputs) expect(predict(x)).toEqual(label(x));
  await predict.flushShadows();
  const { samples, types } = await endpoint.scrape();
  const labels = { ml_model_name: 'shadow-compare', ml_model_version: '2.0.0' };
  expect(types.get('ml_shadow_comparisons_total')).toBe('counter');
  const count = (outcome: string) =>
    samplesOf(samples, 'ml_shadow_comparisons_total', { ...labels, outcome })[0]!.value;
  expect([count('agree'), count('disagree'), count('error')]).toEqual([4, 2, 1]);
  // The shadow's latency beside the primary's: a series of its own.
  for (const version of ['1.0.0', '2.0.0']) {
    const counts = samplesOf(samples, 'ml_prediction_duration_seconds_count', {
      ml_model_name: 'shadow-compare',
      ml_model_version: version,
    });
    expect(counts[0]!.value).toBe(7);
  }
  const errors = samplesOf(samples, 'ml_predictions_total', { ...labels, ml_prediction_status: 'error' });
  expect(errors[0]!.value).toBe(1);
});

test('numeric outputs are compared by their absolute difference, in ml_shadow_difference_absolute', async () => {
  const predict = modelVersions({
    name: 'shadow-numbers',
    registry,
    task: 'regression',
    primary: { version: '1', predict: (x: number) => x * 2 },
    shadows: [{ version: '2', predict: (x: number) => ({ prediction: x * 2 + 0.2 }) }],
  });
  for (let i = 0; i < 5; i++) predict(i);
  await predict.flushShadows();
  const { samples, types } = await endpoint.scrape();
  expect(types.get('ml_shadow_difference_absolute')).toBe('histogram');
  const labels = { ml_model_name: 'shadow-numbers', ml_model_version: '2' };
  expect(samplesOf(samples, 'ml_shadow_difference_absolute_count', labels)[0]!.value).toBe(5);
  expect(samplesOf(samples, 'ml_shadow_difference_absolute_sum', labels)[0]!.value).toBeCloseTo(1, 9);
  expect(samplesOf(samples, 'ml_shadow_difference_absolute_bucket', { ...labels, le: '0.25' })[0]!.value).toBe(5);
  expect(samplesOf(samples, 'ml_shadow_difference_absolute_bucket', { ...labels, le: '0.1' })[0]!.value).toBe(0);
});

test('a shadow that cannot keep up has its calls dropped and counted, with at most maxQueued waiting', async () => {
  const releases: (() => void)[] = [];
  const predict = modelVersions({
    name: 'shadow-slow',
    registry,
    primary: { version: '1', predict: label },
    // Each call waits until the test lets it go: as slow as the test wants, without timers.
    shadows: [
      {
        version: '2',
        predict: (x: number) =>
          new Promise<ReturnType<typeof label>>((resolve) => releases.push(() => resolve(label(x)))),
      },
    ],
    shadowQueue: { maxQueued: 10, concurrency: 2 },
  });
  for (let i = 0; i < 1_000; i++) predict(0.4);
  const waiting = predict.state().versions[1]!.shadow!;
  expect(waiting).toEqual({ queued: 10, running: 0, dropped: { queue_full: 990, closed: 0 } });
  // Two start; the other eight wait for a free slot.
  await new Promise((resolve) => setImmediate(resolve));
  expect(predict.state().versions[1]!.shadow!.running).toBe(2);
  while (releases.length > 0 || predict.state().versions[1]!.shadow!.queued > 0) {
    releases.splice(0).forEach((release) => release());
    await new Promise((resolve) => setImmediate(resolve));
  }
  await predict.flushShadows();
  const { samples } = await endpoint.scrape();
  const labels = { ml_model_name: 'shadow-slow', ml_model_version: '2' };
  expect(samplesOf(samples, 'ml_shadow_dropped_total', { ...labels, reason: 'queue_full' })[0]!.value).toBe(990);
  expect(samplesOf(samples, 'ml_shadow_comparisons_total', { ...labels, outcome: 'agree' })[0]!.value).toBe(10);
  await predict.close();
  predict(0.4);
  expect(predict.state().versions[1]!.shadow!.dropped.closed).toBe(1);
});

test('a shadow that throws synchronously never reaches the caller', async () => {
  const predict = modelVersions({
    name: 'shadow-throws',
    registry,
    primary: { version: '1', predict: label },
    shadows: [
      {
        version: '2',
        predict: () => {
          throw new TypeError('broken shadow');
        },
      },
    ],
  });
  expect(predict(0.2)).toEqual(label(0.2));
  await predict.flushShadows();
  const { samples } = await endpoint.scrape();
  const labels = { ml_model_name: 'shadow-throws', ml_model_version: '2' };
  expect(samplesOf(samples, 'ml_shadow_comparisons_total', { ...labels, outcome: 'error' })[0]!.value).toBe(1);
});

test('ml_version_share and ml_rollbacks_total give each version’s share after rollbacks on the real /metrics', async () => {
  const predict = modelVersions({
    name: 'shares',
    registry,
    primary: { version: '1', predict: label },
    canaries: [
      { version: '2', predict: label, share: 0.1 },
      { version: '3', predict: label, share: 0.25 },
    ],
    shadows: [{ version: '4', predict: label, sampleRate: 0.5 }],
    random: seededRandom(2),
  });
  predict.rollback('3');
  const { samples, types } = await endpoint.scrape();
  expect(types.get('ml_version_share')).toBe('gauge');
  const share = (version: string) =>
    samplesOf(samples, 'ml_version_share', { ml_model_name: 'shares', ml_model_version: version })[0]?.value;
  expect([share('1'), share('2'), share('3'), share('4')]).toEqual([0.9, 0.1, 0, undefined]);
  expect(types.get('ml_rollbacks_total')).toBe('counter');
  const rollbacks = (version: string, reason: string) =>
    samplesOf(samples, 'ml_rollbacks_total', { ml_model_name: 'shares', ml_model_version: version, reason })[0]?.value;
  expect([
    rollbacks('3', 'manual'),
    rollbacks('3', 'error_rate'),
    rollbacks('2', 'latency'),
    rollbacks('2', 'manual'),
  ]).toEqual([1, 0, 0, undefined]);
});
