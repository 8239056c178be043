import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import type {
  AggregationTemporality,
  CollectionResult,
  DataPointType,
  HistogramMetricData,
  MetricData,
  MetricProducer,
  ResourceMetrics,
  SumMetricData,
} from '@opentelemetry/sdk-metrics';
import type { FixedHistogram } from './fixed-histogram';
import { getPredictionMetricsRegistry, type PredictionMetricsRegistry } from './prediction-metrics-registry';
import {
  ATTR_ML_PREDICTION_STATUS,
  METRIC_ML_INSTRUMENTATION_ERRORS,
  METRIC_ML_PREDICTION_BATCH_SIZE,
  METRIC_ML_PREDICTION_CONFIDENCE,
  METRIC_ML_PREDICTION_DURATION,
  METRIC_ML_PREDICTIONS,
  METRIC_ML_PREDICTIONS_ACTIVE,
} from './semconv';
import { VERSION } from './version';

// The SDK's enums, by value: core needs `@opentelemetry/sdk-metrics` for types only.
const CUMULATIVE = 1 as AggregationTemporality.CUMULATIVE;
const HISTOGRAM = 0 as DataPointType.HISTOGRAM;
const SUM = 3 as DataPointType.SUM;

/** Options of {@link predictionMetricProducer}. */
export interface PredictionMetricProducerOptions {
  /** Whose totals to export. @default the process-wide registry that `traced()` uses */
  readonly registry?: PredictionMetricsRegistry;
}

/**
 * A `MetricProducer` that hands the prediction metrics to a `MetricReader` at collection time:
 * `ml_predictions_total`, `ml_prediction_duration_seconds`, `ml_prediction_confidence`,
 * `ml_predictions_active`, `ml_prediction_batch_size` and `ml_instrumentation_errors_total`.
 *
 * `traced()` keeps running totals per model instead of calling the SDK on every prediction: the SDK
 * hashes the attribute set of every `add` and `record`, which would cost several spans per prediction.
 * The preload `@modelsight/node` registers this producer; with an SDK of your own, pass it to your reader:
 *
 * ```ts
 * new PrometheusExporter({ metricProducers: [predictionMetricProducer()] })
 * ```
 */
export function predictionMetricProducer(options: PredictionMetricProducerOptions = {}): MetricProducer {
  const registry = options.registry ?? getPredictionMetricsRegistry();
  registry.attachProducer();
  return {
    async collect(): Promise<CollectionResult> {
      const endTime = hrTimeFromMs(Date.now());
      const metrics = buildMetrics(registry, endTime);
      const resourceMetrics = {
        // A MetricReader keeps the SDK's own resource and takes only the scope metrics of producers.
        resource: undefined,
        scopeMetrics: metrics.length > 0 ? [{ scope: { name: '@modelsight/core', version: VERSION }, metrics }] : [],
      } as unknown as ResourceMetrics;
      return { resourceMetrics, errors: [] };
    },
  };
}

function buildMetrics(registry: PredictionMetricsRegistry, endTime: HrTime): MetricData[] {
  const predictions = sum(METRIC_ML_PREDICTIONS, 'Predictions by model, version and status; a batch counts each item.', '{prediction}', true);
  const active = sum(METRIC_ML_PREDICTIONS_ACTIVE, 'Wrapped prediction calls in flight.', '{call}', false);
  const errors = sum(METRIC_ML_INSTRUMENTATION_ERRORS, 'Failures of the instrumentation itself (extractors, observers), by reason. Predictions go on.', '{error}', true);
  const duration = histogram(METRIC_ML_PREDICTION_DURATION, 'Wall time of a wrapped prediction call.', 's');
  const confidence = histogram(METRIC_ML_PREDICTION_CONFIDENCE, 'Confidence of each prediction.', '1');
  const batchSize = histogram(METRIC_ML_PREDICTION_BATCH_SIZE, 'Items per batch call.', '{item}');

  for (const stats of registry.models()) {
    const startTime = hrTimeFromMs(stats.startTimeMs);
    const point = <T>(attributes: Attributes, value: T) => ({ attributes, startTime, endTime, value });
    predictions.dataPoints.push(
      point({ ...stats.attributes, [ATTR_ML_PREDICTION_STATUS]: 'ok' }, stats.ok),
      point({ ...stats.attributes, [ATTR_ML_PREDICTION_STATUS]: 'error' }, stats.error),
    );
    active.dataPoints.push(point(stats.attributes, stats.active));
    for (const [reason, count] of stats.instrumentationErrors) {
      errors.dataPoints.push(point({ ...stats.attributes, reason }, count));
    }
    duration.dataPoints.push(point(stats.attributes, histogramValue(stats.duration)));
    if (stats.confidence.count > 0) confidence.dataPoints.push(point(stats.attributes, histogramValue(stats.confidence)));
    if (stats.batchSize.count > 0) batchSize.dataPoints.push(point(stats.attributes, histogramValue(stats.batchSize)));
  }
  return [predictions, duration, confidence, active, batchSize, errors].filter((metric) => metric.dataPoints.length > 0);
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

