import {
  DataPointType,
  MeterProvider,
  MetricReader,
  type ExponentialHistogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { afterEach, expect, it } from 'vitest';
import { DURATION_BUCKETS_SECONDS, predictionMetricProducer, PredictionMetricsRegistry, traced } from '../src/index';
import { resolvePredictionMetricsOptions } from '../src/metrics/prediction-metrics-options';
import { captureDiag } from '@modelsight/test-support';

class ManualReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

async function collectDuration(registry: PredictionMetricsRegistry, durationHistogram?: 'explicit' | 'exponential') {
  const reader = new ManualReader({ metricProducers: [predictionMetricProducer({ registry, durationHistogram })] });
  const provider = new MeterProvider({ readers: [reader] });
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  const metrics = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  return metrics.find((metric) => metric.descriptor.name === 'ml_prediction_duration_seconds')!;
}

afterEach(() => {
  delete process.env['MODELSIGHT_PREDICTION_DURATION_BUCKETS'];
  delete process.env['MODELSIGHT_METRIC_CARDINALITY_LIMIT'];
});

it('resolves the duration buckets from 10 µs to 10 s and a limit of 2000 by default', () => {
  expect(resolvePredictionMetricsOptions({}, {})).toEqual({
    durationBuckets: DURATION_BUCKETS_SECONDS,
    cardinalityLimit: 2000,
  });
  expect(DURATION_BUCKETS_SECONDS[0]).toBe(0.00001);
  expect(DURATION_BUCKETS_SECONDS.at(-1)).toBe(10);
});

it('reads the buckets and the limit from the environment, options first', () => {
  const env = {
    MODELSIGHT_PREDICTION_DURATION_BUCKETS: '0.0001, 0.001,0.01',
    MODELSIGHT_METRIC_CARDINALITY_LIMIT: '300',
  };
  expect(resolvePredictionMetricsOptions({}, env)).toEqual({
    durationBuckets: [0.0001, 0.001, 0.01],
    cardinalityLimit: 300,
  });
  expect(resolvePredictionMetricsOptions({ durationBuckets: [1, 2], cardinalityLimit: 10 }, env)).toEqual({
    durationBuckets: [1, 2],
    cardinalityLimit: 10,
  });
});

it('throws naming the option and the value when one is unusable', () => {
  expect(() => resolvePredictionMetricsOptions({ durationBuckets: [0.1, 0.1] }, {})).toThrow(
    'option durationBuckets must be increasing, but item 1 (0.1) is not above 0.1; got [0.1, 0.1]',
  );
  expect(() => resolvePredictionMetricsOptions({ cardinalityLimit: 1 }, {})).toThrow(
    'option cardinalityLimit must be a whole number of at least 2; got 1',
  );
});

it('warns about an unusable variable, naming it and the value, and keeps the default', () => {
  const diag = captureDiag();
  const resolved = resolvePredictionMetricsOptions(
    {},
    { MODELSIGHT_PREDICTION_DURATION_BUCKETS: '0.1,,1', MODELSIGHT_METRIC_CARDINALITY_LIMIT: '2k' },
  );
  expect(resolved).toEqual({ durationBuckets: DURATION_BUCKETS_SECONDS, cardinalityLimit: 2000 });
  expect(diag.warnings).toEqual([
    '@modelsight/core: MODELSIGHT_METRIC_CARDINALITY_LIMIT="2k" is not valid (expected a whole number of at least 2); using 2000',
    `@modelsight/core: MODELSIGHT_PREDICTION_DURATION_BUCKETS="0.1,,1" is not valid (expected comma-separated increasing positive numbers of seconds); using ${DURATION_BUCKETS_SECONDS.join(',')}`,
  ]);
});

it('exports the duration with the buckets given to the registry', async () => {
  const registry = new PredictionMetricsRegistry({ durationBuckets: [0.001, 1] });
  traced(() => 1, { model: { name: 'm', version: '1' }, registry })();
  const metric = await collectDuration(registry);
  expect(metric.dataPointType).toBe(DataPointType.HISTOGRAM);
  expect((metric.dataPoints[0]!.value as { buckets: { boundaries: number[] } }).buckets.boundaries).toEqual([0.001, 1]);
});

it('takes options given by configure() before the first model, and warns when they come later', () => {
  const diag = captureDiag();
  const registry = new PredictionMetricsRegistry();
  registry.configure({ cardinalityLimit: 10 });
  registry.configure({ durationBuckets: [0.5, 1] });
  expect(registry.settings).toEqual({ cardinalityLimit: 10, durationBuckets: [0.5, 1] });
  registry.forModel({ name: 'm', version: '1' });
  registry.configure({ cardinalityLimit: 10 });
  expect(diag.warnings).toEqual([]);
  registry.configure({ cardinalityLimit: 20 });
  expect(registry.settings.cardinalityLimit).toBe(10);
  expect(diag.warnings).toHaveLength(1);
  expect(diag.warnings[0]).toContain('given after the first model was wrapped are ignored');
});

it('exports the duration as a base-2 exponential histogram to a producer that asks for it', async () => {
  const registry = new PredictionMetricsRegistry();
  const explicit = predictionMetricProducer({ registry });
  const metric = await collectDuration(registry, 'exponential');
  expect(metric).toBeUndefined();
  const predict = traced(() => 1, { model: { name: 'm', version: '1' }, registry });
  for (let i = 0; i < 5; i++) predict();
  const exponential = await collectDuration(registry, 'exponential');
  expect(exponential.dataPointType).toBe(DataPointType.EXPONENTIAL_HISTOGRAM);
  const value = exponential.dataPoints[0]!.value as ExponentialHistogram;
  expect(value.count).toBe(5);
  expect(value.positive.bucketCounts.reduce((a, b) => a + b, 0) + value.zeroCount).toBe(5);
  expect(value.scale).toBeGreaterThan(0);
  // The explicit histogram is still kept for Prometheus.
  const { resourceMetrics } = await explicit.collect();
  const duration = resourceMetrics.scopeMetrics[0]!.metrics.find(
    (m: MetricData) => m.descriptor.name === 'ml_prediction_duration_seconds',
  )!;
  expect(duration.dataPointType).toBe(DataPointType.HISTOGRAM);
});

it('rejects an unknown duration histogram kind naming the option', () => {
  expect(() => predictionMetricProducer({ durationHistogram: 'native' as never })).toThrow(
    "option durationHistogram must be 'explicit' or 'exponential'; got native",
  );
});
