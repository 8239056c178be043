import { OTLPMetricExporter as OTLPJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OTLPProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { PeriodicExportingMetricReader, type IMetricReader, type MetricProducer, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { shutdownAwareRetries, type ShutdownAwareRetries } from './export-retries';
import { LateSpanProcessor } from './late-span-processor';
import { serveMetrics, type MetricsServer } from './metrics-server';
import type { ResolvedConfig } from './types';
import { WarnOnceSpanExporter } from './warn-once-exporter';
import { rememberReported, warnOnce } from './warn-once';

/** The span processor for `tracesExporter`, or none when traces are off. */
export function buildSpanProcessor(config: ResolvedConfig): SpanProcessor | undefined {
  switch (config.tracesExporter) {
    case 'none':
      return undefined;
    case 'console':
      // Printed as each span ends: the console exporter is for looking at spans while developing.
      return new SimpleSpanProcessor(new ConsoleSpanExporter());
    case 'otlp': {
      const options = { url: config.otlpTracesEndpoint, timeoutMillis: config.otlpTimeoutMs };
      const exporter =
        config.otlpProtocol === 'http/protobuf' ? new OTLPProtoTraceExporter(options) : new OTLPJsonTraceExporter(options);
      const retries = shutdownAwareRetries(exporter);
      const batchSize = Math.min(config.maxExportBatchSize, config.maxQueueSize);
      // A bounded queue and a timeout per batch: a collector that is down or hangs costs a fixed amount
      // of memory (spans beyond maxQueueSize are dropped and counted) and no time on the request path.
      const batches = new BatchSpanProcessor(new WarnOnceSpanExporter(exporter, config.otlpTracesEndpoint), {
        maxQueueSize: config.maxQueueSize,
        maxExportBatchSize: batchSize,
        scheduledDelayMillis: config.scheduledDelayMs,
        exportTimeoutMillis: config.exportTimeoutMs,
      });
      const target = { url: config.otlpTracesEndpoint, protocol: config.otlpProtocol, batchSize };
      return new LateSpanProcessor(batches, target, config.maxQueueSize, retries);
    }
  }
}

/** The metric readers, plus the `/metrics` server when Prometheus is on. */
export function buildMetricReaders(
  config: ResolvedConfig,
  producers: MetricProducer[],
  isScrape: { port: () => number | undefined },
  resourceSettled: Promise<unknown>,
): { readers: IMetricReader[]; metricsServer: MetricsServer | undefined; retries: ShutdownAwareRetries[] } {
  const readers: IMetricReader[] = [];
  const retries: ShutdownAwareRetries[] = [];
  let metricsServer: MetricsServer | undefined;
  if (config.metricsExporters.includes('prometheus')) {
    const exporter = new PrometheusExporter({ preventServerStart: true, metricProducers: producers });
    // The host detector reads the host id asynchronously; a scrape before it settles would make the SDK
    // complain and miss the attribute in target_info, so the first scrapes wait for it (a few ms).
    metricsServer = serveMetrics(config.prometheusHost, config.prometheusPort, (request, response) => {
      void resourceSettled.then(() => exporter.getMetricsRequestHandler(request, response));
    });
    isScrape.port = () => metricsServer?.port();
    readers.push(exporter);
  }
  if (config.metricsExporters.includes('otlp')) {
    const options = { url: config.otlpMetricsEndpoint, timeoutMillis: config.otlpMetricsTimeoutMs };
    const exporter =
      config.otlpMetricsProtocol === 'http/protobuf' ? new OTLPProtoMetricExporter(options) : new OTLPJsonMetricExporter(options);
    const exporterRetries = shutdownAwareRetries(exporter);
    if (exporterRetries) retries.push(exporterRetries);
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: warnOnceMetricExporter(exporter, config.otlpMetricsEndpoint),
        exportIntervalMillis: config.metricExportIntervalMs,
        exportTimeoutMillis: Math.min(config.metricExportTimeoutMs, config.metricExportIntervalMs),
        metricProducers: producers,
      }),
    );
  }
  return { readers, metricsServer, retries };
}

function warnOnceMetricExporter(inner: PushMetricExporter, endpoint: string): PushMetricExporter {
  return {
    export(metrics, resultCallback) {
      inner.export(metrics, (result) => {
        if (result.code !== 0) {
          if (result.error) rememberReported(result.error.message);
          warnOnce(
            `export-metrics:${endpoint}`,
            `cannot export metrics to ${endpoint} (${result.error?.message ?? 'export failed'}); ` +
              'the service is not affected. This is reported once.',
          );
        }
        resultCallback(result);
      });
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
    selectAggregationTemporality: inner.selectAggregationTemporality?.bind(inner),
    selectAggregation: inner.selectAggregation?.bind(inner),
  };
}
