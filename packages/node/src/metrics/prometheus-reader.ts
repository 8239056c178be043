import { diag } from '@opentelemetry/api';
import { AggregationTemporality, AggregationType, MetricReader, type MetricProducer } from '@opentelemetry/sdk-metrics';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { reportOverflows } from './overflow-warnings';
import { PrometheusTextSerializer } from './prometheus-text';

/** The content type of the Prometheus text format, version 0.0.4. */
const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The pull reader behind `/metrics`: cumulative, the SDK's default aggregations (explicit-bucket
 * histograms), `cardinalityLimit` series per instrument at most (the overflow series included).
 */
export class PrometheusReader extends MetricReader {
  private readonly serializer: PrometheusTextSerializer;

  /** @param scopeLabels whether series carry `otel_scope_*` labels (see `prometheusScopeLabels`) */
  constructor(metricProducers: MetricProducer[], cardinalityLimit: number, scopeLabels = true) {
    super({
      aggregationSelector: () => ({ type: AggregationType.DEFAULT }),
      aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE,
      cardinalitySelector: () => cardinalityLimit,
      metricProducers,
    });
    this.serializer = new PrometheusTextSerializer((names) => reportOverflows(names, cardinalityLimit), scopeLabels);
  }

  /**
   * Answers a scrape with the current metrics in the text format. A failed collection answers 500, so
   * that Prometheus records a failed scrape rather than a page without the metrics.
   */
  handle(_request: IncomingMessage, response: ServerResponse): void {
    this.collect()
      .then(({ resourceMetrics, errors }) => {
        if (errors.length > 0) diag.error('@modelsight/node: metrics collection errors', ...errors);
        const text = this.serializer.serialize(resourceMetrics);
        response.statusCode = 200;
        response.setHeader('content-type', CONTENT_TYPE);
        response.end(text);
      })
      .catch((error: unknown) => {
        diag.error('@modelsight/node: collecting metrics for /metrics failed', error);
        if (response.headersSent) return void response.end();
        response.statusCode = 500;
        response.setHeader('content-type', 'text/plain; charset=utf-8');
        response.end(`# failed to export metrics: ${error instanceof Error ? error.message : String(error)}\n`);
      });
  }

  protected async onForceFlush(): Promise<void> {}

  protected async onShutdown(): Promise<void> {}
}
