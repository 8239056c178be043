import { DURATION_BUCKETS_SECONDS } from '@modelsight/core';
import { expect, it } from 'vitest';
import { resolveConfig } from '../src/config/config';

it('bounds every metric to 2000 series, buckets durations from 10 µs to 10 s, and sends exponential histograms over OTLP by default', () => {
  const config = resolveConfig({}, {});
  expect(config.metricCardinalityLimit).toBe(2000);
  expect(config.predictionDurationBuckets[0]).toBe(0.00001);
  expect(config.predictionDurationBuckets.at(-1)).toBe(10);
  expect(config.otlpHistogramAggregation).toBe('base2_exponential_bucket_histogram');
});

it('reads the limit, the buckets and the OTLP histogram aggregation from the environment', () => {
  const config = resolveConfig(
    {},
    {
      MODELSIGHT_METRIC_CARDINALITY_LIMIT: '500',
      MODELSIGHT_PREDICTION_DURATION_BUCKETS: '0.0001, 0.001,0.01',
      OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION: 'EXPLICIT_BUCKET_HISTOGRAM',
    },
  );
  expect(config).toMatchObject({
    metricCardinalityLimit: 500,
    predictionDurationBuckets: [0.0001, 0.001, 0.01],
    otlpHistogramAggregation: 'explicit_bucket_histogram',
    warnings: [],
  });
});

it('lets options win over the environment', () => {
  const config = resolveConfig(
    {
      metricCardinalityLimit: 100,
      predictionDurationBuckets: [0.5, 1],
      otlpHistogramAggregation: 'explicit_bucket_histogram',
    },
    { MODELSIGHT_METRIC_CARDINALITY_LIMIT: '500', MODELSIGHT_PREDICTION_DURATION_BUCKETS: '1,2' },
  );
  expect(config).toMatchObject({
    metricCardinalityLimit: 100,
    predictionDurationBuckets: [0.5, 1],
    otlpHistogramAggregation: 'explicit_bucket_histogram',
  });
});

it('warns about unusable variables and keeps the defaults', () => {
  const config = resolveConfig(
    {},
    {
      MODELSIGHT_METRIC_CARDINALITY_LIMIT: '1',
      MODELSIGHT_PREDICTION_DURATION_BUCKETS: '0.01,0.001',
      OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION: 'native',
    },
  );
  expect(config.metricCardinalityLimit).toBe(2000);
  expect(config.predictionDurationBuckets[0]).toBe(0.00001);
  expect(config.otlpHistogramAggregation).toBe('base2_exponential_bucket_histogram');
  expect(config.warnings).toEqual([
    'MODELSIGHT_METRIC_CARDINALITY_LIMIT="1" is not valid (expected a whole number of at least 2); using 2000',
    `MODELSIGHT_PREDICTION_DURATION_BUCKETS="0.01,0.001" is not valid (expected comma-separated increasing positive numbers of seconds); using ${DURATION_BUCKETS_SECONDS.join(',')}`,
    'OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION="native" is not valid (expected one of explicit_bucket_histogram, base2_exponential_bucket_histogram); using base2_exponential_bucket_histogram',
  ]);
});

it('throws naming the option and the value when an option is unusable', () => {
  expect(() => resolveConfig({ metricCardinalityLimit: 0 }, {})).toThrow(
    'option metricCardinalityLimit = 0 is not valid: expected a whole number of at least 2',
  );
  expect(() => resolveConfig({ predictionDurationBuckets: [] }, {})).toThrow(
    'option predictionDurationBuckets = [] is not valid',
  );
  expect(() => resolveConfig({ otlpHistogramAggregation: 'native' as never }, {})).toThrow(
    'option otlpHistogramAggregation = "native" is not valid',
  );
});
