import { DEFAULT_CARDINALITY_LIMIT, DURATION_BUCKETS_SECONDS } from '@modelsight/core';
import { readCardinalityLimit, readDurationBuckets } from '@modelsight/internal';
import type { NodeEnvReader } from './env-config';

/**
 * How histograms go out over OTLP. Env: `OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION`.
 * @default 'base2_exponential_bucket_histogram'
 */
export type OtlpHistogramAggregation = 'explicit_bucket_histogram' | 'base2_exponential_bucket_histogram';

const AGGREGATIONS: readonly OtlpHistogramAggregation[] = [
  'explicit_bucket_histogram',
  'base2_exponential_bucket_histogram',
];

/** Options of {@link start} about the series the metrics are made of. */
export interface MetricShapeOptions {
  /**
   * Most series each metric exports, the overflow series included, for the prediction metrics of
   * `@modelsight/core` and every instrument of the SDK (drift, feedback, HTTP, runtime): attribute sets
   * beyond it are counted in one series labelled `otel_metric_overflow="true"`, and a `diag` warning names
   * the metric once. Env: `MODELSIGHT_METRIC_CARDINALITY_LIMIT`.
   * @default 2000
   */
  metricCardinalityLimit?: number;
  /**
   * Bucket bounds of `ml_prediction_duration_seconds` on `/metrics`, in seconds, increasing.
   * Env: `MODELSIGHT_PREDICTION_DURATION_BUCKETS` (comma-separated).
   * @default 10 µs to 10 s in 1-2.5-5 steps
   */
  predictionDurationBuckets?: number[];
  /**
   * How histograms are sent over OTLP (`metricsExporters` with `otlp`): base-2 exponential histograms
   * resolve microseconds and seconds alike without bounds chosen in advance; explicit ones use the same
   * buckets as `/metrics`. Env: `OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION`.
   * @default 'base2_exponential_bucket_histogram'
   */
  otlpHistogramAggregation?: OtlpHistogramAggregation;
}

/** {@link MetricShapeOptions}, resolved from options, environment and defaults. */
export interface ResolvedMetricShape {
  /** See {@link MetricShapeOptions.metricCardinalityLimit}. */
  readonly metricCardinalityLimit: number;
  /** See {@link MetricShapeOptions.predictionDurationBuckets}. */
  readonly predictionDurationBuckets: readonly number[];
  /** See {@link MetricShapeOptions.otlpHistogramAggregation}. */
  readonly otlpHistogramAggregation: OtlpHistogramAggregation;
}

/**
 * Option > environment variable > default. A bad option throws naming it; a bad variable adds a sentence
 * to the reader's warnings and the default is used, like every variable of the preload. The cardinality
 * limit and the duration buckets are read as `@modelsight/core` reads them (the same reader and checks).
 */
export function resolveMetricShape(options: MetricShapeOptions, read: NodeEnvReader): ResolvedMetricShape {
  let metricCardinalityLimit: number;
  if (options.metricCardinalityLimit !== undefined) {
    if (!isLimit(options.metricCardinalityLimit))
      throw invalid('metricCardinalityLimit', options.metricCardinalityLimit, 'a whole number of at least 2');
    metricCardinalityLimit = options.metricCardinalityLimit;
  } else {
    metricCardinalityLimit = readCardinalityLimit(read.envSource, DEFAULT_CARDINALITY_LIMIT);
  }

  let predictionDurationBuckets: readonly number[];
  if (options.predictionDurationBuckets !== undefined) {
    if (!isBuckets(options.predictionDurationBuckets)) {
      throw invalid(
        'predictionDurationBuckets',
        options.predictionDurationBuckets,
        'a non-empty array of increasing positive numbers of seconds',
      );
    }
    predictionDurationBuckets = [...options.predictionDurationBuckets];
  } else {
    predictionDurationBuckets = readDurationBuckets(read.envSource, DURATION_BUCKETS_SECONDS);
  }

  let otlpHistogramAggregation: OtlpHistogramAggregation;
  if (options.otlpHistogramAggregation !== undefined) {
    if (!AGGREGATIONS.includes(options.otlpHistogramAggregation)) {
      throw invalid('otlpHistogramAggregation', options.otlpHistogramAggregation, `one of ${AGGREGATIONS.join(', ')}`);
    }
    otlpHistogramAggregation = options.otlpHistogramAggregation;
  } else {
    otlpHistogramAggregation = read.oneOf(
      'OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION',
      AGGREGATIONS,
      'base2_exponential_bucket_histogram',
    );
  }
  return { metricCardinalityLimit, predictionDurationBuckets, otlpHistogramAggregation };
}

function isLimit(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 2;
}

function isBuckets(value: unknown): value is number[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (bound, i) =>
        typeof bound === 'number' &&
        Number.isFinite(bound) &&
        bound > 0 &&
        (i === 0 || bound > (value[i - 1] as number)),
    )
  );
}

function invalid(option: string, value: unknown, expected: string): Error {
  return new TypeError(
    `@modelsight/node: option ${option} = ${JSON.stringify(value)} is not valid: expected ${expected}`,
  );
}
