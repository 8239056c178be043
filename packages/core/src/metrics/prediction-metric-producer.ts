import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import type {
  AggregationTemporality,
  CollectionResult,
  DataPointType,
  ExponentialHistogramMetricData,
  HistogramMetricData,
  MetricData,
  ResourceMetrics,
  SumMetricData,
} from '@opentelemetry/sdk-metrics';
import { CappedSum } from './capped-series';
import { ReportOnce } from '../errors/report-once';
import type { PredictionMetricProducer, PredictionMetricsCollection } from './metric-producer-shape';
import type { FixedHistogram } from './fixed-histogram';
import { ATTR_OTEL_METRIC_OVERFLOW } from './model-stats';
import { getPredictionMetricsRegistry, type PredictionMetricsRegistry } from './prediction-metrics-registry';
import {
  ATTR_ML_MODEL_NAME,
  ATTR_ML_MODEL_VERSION,
  ATTR_ML_PREDICTION_STATUS,
  METRIC_ML_INSTRUMENTATION_ERRORS,
  METRIC_ML_PREDICTION_BATCH_SIZE,
  METRIC_ML_PREDICTION_CONFIDENCE,
  METRIC_ML_PREDICTION_DURATION,
  METRIC_ML_PREDICTIONS,
  METRIC_ML_PREDICTIONS_ACTIVE,
} from '../semconv';
import type { ModelIdentity } from '../types';
import { VERSION } from '../version';

// The SDK's enums, by value: core needs `@opentelemetry/sdk-metrics` for types only.
const CUMULATIVE = 1 as AggregationTemporality.CUMULATIVE;
const HISTOGRAM = 0 as DataPointType.HISTOGRAM;
const EXPONENTIAL_HISTOGRAM = 1 as DataPointType.EXPONENTIAL_HISTOGRAM;
const SUM = 3 as DataPointType.SUM;

/** Options of {@link predictionMetricProducer}. */
export interface PredictionMetricProducerOptions {
  /** Whose totals to export. @default the process-wide registry that `traced()` uses */
  readonly registry?: PredictionMetricsRegistry;
  /**
   * How `ml_prediction_duration_seconds` is exported: `explicit`, with the registry's bucket bounds
   * (what Prometheus scrapes), or `exponential`, a base-2 exponential histogram of up to 160 buckets
   * that resolves microseconds and seconds alike (for OTLP; the preload uses it there).
   * @default 'explicit'
   */
  readonly durationHistogram?: 'explicit' | 'exponential';
}

/**
 * A `MetricProducer` that hands the prediction metrics to a `MetricReader` at collection time:
 * `ml_predictions_total`, `ml_prediction_duration_seconds`, `ml_prediction_confidence`,
 * `ml_predictions_active`, `ml_prediction_batch_size` and `ml_instrumentation_errors_total`, and the
 * metrics of `modelVersions()` groups (`ml_version_share`, `ml_rollbacks_total`, `ml_shadow_*`).
 *
 * `traced()` keeps running totals per model instead of calling the SDK on every prediction: the SDK
 * hashes the attribute set of every `add` and `record`, which would cost several spans per prediction.
 * The preload `@modelsight/node` registers this producer; with an SDK of your own, pass it to your reader:
 *
 * ```ts
 * new PrometheusExporter({ metricProducers: [predictionMetricProducer()] })
 * ```
 *
 * Each metric exports at most the registry's `cardinalityLimit` series (default 2000): what lies
 * beyond is counted in one series labelled `otel_metric_overflow="true"`, and a `diag` warning names
 * the metrics the first time.
 */
export function predictionMetricProducer(options: PredictionMetricProducerOptions = {}): PredictionMetricProducer {
  const registry = options.registry ?? getPredictionMetricsRegistry();
  const durationHistogram = options.durationHistogram ?? 'explicit';
  if (durationHistogram !== 'explicit' && durationHistogram !== 'exponential') {
    throw new TypeError(
      `modelsight predictionMetricProducer(): option durationHistogram must be 'explicit' or 'exponential'; got ${String(durationHistogram)}`,
    );
  }
  const exponential = durationHistogram === 'exponential';
  registry.attachProducer({ exponentialDurations: exponential });
  return {
    async collect(): Promise<PredictionMetricsCollection & CollectionResult> {
      const endTime = hrTimeFromMs(Date.now());
      const metrics = buildMetrics(registry, endTime, exponential);
      appendSourceMetrics(registry, endTime, metrics);
      const resourceMetrics = {
        // A MetricReader keeps the SDK's own resource and takes only the scope metrics of producers.
        resource: undefined,
        scopeMetrics: metrics.length > 0 ? [{ scope: { name: '@modelsight/core', version: VERSION }, metrics }] : [],
      } as unknown as ResourceMetrics;
      return { resourceMetrics, errors: [] };
    },
  };
}

function buildMetrics(registry: PredictionMetricsRegistry, endTime: HrTime, exponential: boolean): MetricData[] {
  const limit = registry.settings.cardinalityLimit;
  const predictions = new CappedSum(limit);
  const errors = new CappedSum(limit);
  const active = sum(METRIC_ML_PREDICTIONS_ACTIVE, 'Wrapped prediction calls in flight.', '{call}', false);
  const duration = exponential
    ? exponentialHistogram(METRIC_ML_PREDICTION_DURATION, DURATION_DESCRIPTION, 's')
    : histogram(METRIC_ML_PREDICTION_DURATION, DURATION_DESCRIPTION, 's');
  const confidence = histogram(METRIC_ML_PREDICTION_CONFIDENCE, 'Confidence of each prediction.', '1');
  const batchSize = histogram(METRIC_ML_PREDICTION_BATCH_SIZE, 'Items per batch call.', '{item}');

  // The registry gives at most `limit - 1` model versions totals of their own and the rest shared
  // overflow totals, so metrics with one series per version stay within the limit as they are;
  // those with several per version (status, reason) fold what exceeds it.
  let overflowTotals = false;
  for (const stats of registry.models()) {
    const startTime = hrTimeFromMs(stats.startTimeMs);
    const point = <T>(attributes: Attributes, value: T, start = startTime) => ({
      attributes,
      startTime: start,
      endTime,
      value,
    });
    const folded = stats.overflow;
    overflowTotals ||= folded;
    const withStatus = (status: string) =>
      folded ? stats.attributes : stats.attributesWith(ATTR_ML_PREDICTION_STATUS, status);
    predictions.add(withStatus('ok'), stats.ok, startTime, endTime, folded);
    predictions.add(withStatus('error'), stats.error, startTime, endTime, folded);
    active.dataPoints.push(point(stats.attributes, stats.active));
    for (const [reason, count] of stats.instrumentationErrors) {
      errors.add(folded ? stats.attributes : stats.attributesWith('reason', reason), count, startTime, endTime, folded);
    }
    if (exponential) {
      const h = stats.durationExponential;
      if (h)
        (duration.dataPoints as unknown[]).push(point(stats.attributes, h.snapshot(), hrTimeFromMs(h.startTimeMs)));
    } else {
      (duration.dataPoints as unknown[]).push(point(stats.attributes, histogramValue(stats.duration)));
    }
    if (stats.confidence.count > 0)
      confidence.dataPoints.push(point(stats.attributes, histogramValue(stats.confidence)));
    if (stats.batchSize.count > 0) batchSize.dataPoints.push(point(stats.attributes, histogramValue(stats.batchSize)));
  }
  const predictionsMetric = sum(
    METRIC_ML_PREDICTIONS,
    'Predictions by model, version and status; a batch counts each item.',
    '{prediction}',
    true,
  );
  predictionsMetric.dataPoints.push(...predictions.finish());
  const errorsMetric = sum(
    METRIC_ML_INSTRUMENTATION_ERRORS,
    'Failures of the instrumentation itself (extractors, observers), by reason. Predictions go on.',
    '{error}',
    true,
  );
  errorsMetric.dataPoints.push(...errors.finish());

  const metrics = [predictionsMetric, duration, confidence, active, batchSize, errorsMetric].filter(
    (metric) => metric.dataPoints.length > 0,
  );
  const overflowing = metrics.filter((metric) =>
    metric === predictionsMetric
      ? predictions.overflowed
      : metric === errorsMetric
        ? errors.overflowed
        : overflowTotals && hasOverflowPoint(metric),
  );
  if (overflowing.length > 0) {
    const first = modelOf(predictions.firstFolded) ?? registry.firstModelBeyondLimit ?? modelOf(errors.firstFolded);
    registry.reportOverflow(
      overflowing.map((metric) => exportedName(metric)),
      first,
    );
  }
  return metrics;
}

/**
 * Adds the metrics of the registry's other sources; one metric reported by several sources (two model
 * groups) becomes one metric with the points of all. A source that throws is reported once and skipped.
 */
function appendSourceMetrics(registry: PredictionMetricsRegistry, endTime: HrTime, metrics: MetricData[]): void {
  const byName = new Map<string, MetricData>();
  for (const source of registry.sources()) {
    let collected: MetricData[];
    try {
      // The sources are core's own (the model-versions metrics), which build the SDK's MetricData.
      collected = source.collect(endTime) as MetricData[];
    } catch (error) {
      sourceFailures.report('source', 'collecting the model-versions metrics failed; they are left out', error);
      continue;
    }
    for (const metric of collected) {
      const known = byName.get(metric.descriptor.name);
      if (known === undefined) {
        byName.set(metric.descriptor.name, metric);
        metrics.push(metric);
      } else {
        (known.dataPoints as unknown[]).push(...metric.dataPoints);
      }
    }
  }
}

const sourceFailures = new ReportOnce();

const DURATION_DESCRIPTION = 'Wall time of a wrapped prediction call.';

function hasOverflowPoint(metric: MetricData): boolean {
  return (metric.dataPoints as { attributes: Attributes }[]).some(
    (p) => p.attributes[ATTR_OTEL_METRIC_OVERFLOW] === true,
  );
}

/** The name Prometheus shows: counters get `_total`. */
function exportedName(metric: MetricData): string {
  return metric.dataPointType === SUM && (metric as SumMetricData).isMonotonic
    ? `${metric.descriptor.name}_total`
    : metric.descriptor.name;
}

function modelOf(attributes: Attributes | undefined): ModelIdentity | undefined {
  if (!attributes) return undefined;
  return { name: String(attributes[ATTR_ML_MODEL_NAME]), version: String(attributes[ATTR_ML_MODEL_VERSION]) };
}

type Mutable<T extends MetricData> = T & { dataPoints: T['dataPoints'][number][] };

function sum(name: string, description: string, unit: string, isMonotonic: boolean): Mutable<SumMetricData> {
  return {
    descriptor: { name, description, unit, valueType: ValueType.INT },
    aggregationTemporality: CUMULATIVE,
    dataPointType: SUM,
    isMonotonic,
    dataPoints: [],
  };
}

function exponentialHistogram(
  name: string,
  description: string,
  unit: string,
): Mutable<ExponentialHistogramMetricData> {
  return {
    descriptor: { name, description, unit, valueType: ValueType.DOUBLE },
    aggregationTemporality: CUMULATIVE,
    dataPointType: EXPONENTIAL_HISTOGRAM,
    dataPoints: [],
  };
}

function histogram(name: string, description: string, unit: string): Mutable<HistogramMetricData> {
  return {
    descriptor: { name, description, unit, valueType: ValueType.DOUBLE },
    aggregationTemporality: CUMULATIVE,
    dataPointType: HISTOGRAM,
    dataPoints: [],
  };
}

function histogramValue(h: FixedHistogram) {
  return {
    buckets: { boundaries: [...h.bounds], counts: Array.from(h.counts) },
    sum: h.sum,
    count: h.count,
    ...(h.count > 0 ? { min: h.min, max: h.max } : {}),
  };
}

function hrTimeFromMs(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}
