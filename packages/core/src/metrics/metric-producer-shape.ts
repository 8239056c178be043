/**
 * What {@link predictionMetricProducer} returns: a `MetricProducer` of `@opentelemetry/sdk-metrics`, written
 * out here so that these declarations name no SDK package (an app type-checked with `skipLibCheck: false`
 * needs only `@opentelemetry/api`). It fits wherever the SDK takes a `MetricProducer`: the
 * `metricProducers` of a `MetricReader` or of the `PrometheusExporter`.
 */
export interface PredictionMetricProducer {
  /** Collects the prediction metrics: what a `MetricReader` calls at each collection. */
  collect(options?: { readonly timeoutMillis?: number }): Promise<PredictionMetricsCollection>;
}

/** The SDK's `CollectionResult`, as a reader reads it from {@link PredictionMetricProducer}. */
export interface PredictionMetricsCollection {
  /**
   * The SDK's `ResourceMetrics`: the scope metrics of `@modelsight/core` (a reader keeps its own resource).
   * Typed loosely so that it fits the SDK's type without naming it; read it through the SDK's types.
   */
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's type, which these declarations must not import
  readonly resourceMetrics: any;
  /** Errors met while collecting: always empty (faults are counted in `ml_instrumentation_errors_total`). */
  readonly errors: unknown[];
}
