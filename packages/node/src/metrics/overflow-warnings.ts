import { diag } from '@opentelemetry/api';
import {
  METRIC_ML_INSTRUMENTATION_ERRORS,
  METRIC_ML_PREDICTION_BATCH_SIZE,
  METRIC_ML_PREDICTION_CONFIDENCE,
  METRIC_ML_PREDICTION_DURATION,
  METRIC_ML_PREDICTIONS,
  METRIC_ML_PREDICTIONS_ACTIVE,
} from '@modelsight/core';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';

/**
 * The metrics of `@modelsight/core`'s producer, by OpenTelemetry and by Prometheus name: their registry
 * warns about its own overflow, naming the first model version it folded.
 */
const REPORTED_BY_CORE = new Set(
  [METRIC_ML_PREDICTIONS, METRIC_ML_INSTRUMENTATION_ERRORS]
    .flatMap((name) => [name, `${name}_total`])
    .concat(
      METRIC_ML_PREDICTION_DURATION,
      METRIC_ML_PREDICTION_CONFIDENCE,
      METRIC_ML_PREDICTIONS_ACTIVE,
      METRIC_ML_PREDICTION_BATCH_SIZE,
    ),
);
const reported = new Set<string>();

/**
 * Warns through `diag`, once per metric, that the SDK folded attribute sets beyond the cardinality limit
 * into the series labelled `otel_metric_overflow="true"` (the SDK itself says nothing). One warning names
 * every metric newly found in the same collection.
 */
export function reportOverflows(names: readonly string[], limit: number): void {
  const fresh = names.filter((name) => !REPORTED_BY_CORE.has(name) && !reported.has(name));
  if (fresh.length === 0) return;
  for (const name of fresh) reported.add(name);
  diag.warn(
    `@modelsight/node: ${fresh.join(', ')} reached the limit of ${limit} series per metric (MODELSIGHT_METRIC_CARDINALITY_LIMIT): ` +
      'further attribute sets are counted together in one series labelled otel_metric_overflow="true". ' +
      'Look for an attribute with unbounded values (a model version per request, a feature name from user input), or raise the limit.',
  );
}

/** Names of the metrics of `resourceMetrics` that have an overflow series. */
export function overflowingMetrics(resourceMetrics: ResourceMetrics): string[] {
  const names: string[] = [];
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (
        (metric.dataPoints as { attributes: Record<string, unknown> }[]).some(
          (point) => point.attributes['otel.metric.overflow'] === true,
        )
      ) {
        names.push(metric.descriptor.name);
      }
    }
  }
  return names;
}
