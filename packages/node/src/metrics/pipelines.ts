import type { IncomingMessage } from 'node:http';
import { OTLPMetricExporter as OTLPJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OTLPProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import {
  AggregationType,
  InstrumentType,
  PeriodicExportingMetricReader,
  type AggregationOption,
  type IMetricReader,
  type MetricProducer,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { ConsoleSpanExporter, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { getPredictionMetricsRegistry, predictionMetricProducer } from '@modelsight/core';
import { shutdownAwareRetries, type ShutdownAwareRetries } from '../traces/export-retries';
import { HttpServerDurations } from '../instrumentations/http-server-durations';
import { LateSpanProcessor } from '../traces/late-span-processor';
import { installMetricSourceHub } from './metric-source-hub';
import { serveMetrics, type MetricsServer } from './metrics-server';
import { registeredSignals } from '../diagnostics/other-sdk';
import { overflowingMetrics, reportOverflows } from './overflow-warnings';
import { PrometheusReader } from './prometheus-reader';
import type { ResolvedConfig } from '../types';
import { spanExportChannel } from '../traces/span-export-channel';
import { SpanExportHealth } from '../traces/span-export-health';
import { WorkerSpanProcessor } from '../traces/worker-span-processor';
import { rememberReported, warnOnce } from '../diagnostics/warn-once';

/** The span processor for `tracesExporter`, and the counters of what became of the spans when they are exported. */
export interface SpanPipeline {
  readonly processor: SpanProcessor;
  /** Spans processed, exported and dropped (OTLP only). */
  readonly health: SpanExportHealth | undefined;
}

/** The span pipeline for `tracesExporter`, or none when traces are off. */
export function buildSpanProcessor(config: ResolvedConfig): SpanPipeline | undefined {
  switch (config.tracesExporter) {
    case 'none':
      return undefined;
    case 'console':
      // Printed as each span ends: the console exporter is for looking at spans while developing.
      return { processor: new SimpleSpanProcessor(new ConsoleSpanExporter()), health: undefined };
    case 'otlp': {
      const batchSize = Math.min(config.maxExportBatchSize, config.maxQueueSize);
      const json = config.otlpProtocol !== 'http/protobuf';
      const health = new SpanExportHealth({
        exporterType: json ? 'otlp_http_json_span_exporter' : 'otlp_http_span_exporter',
        url: config.otlpTracesEndpoint,
        reportIntervalMs: config.droppedSpansReportIntervalMs,
      });
      // A bounded queue, serialization and sending on the export thread, a timeout per batch: a collector
      // that is down or hangs costs a fixed amount of memory (spans beyond maxQueueSize are dropped and
      // counted) and no time on the request path.
      const batches = new WorkerSpanProcessor(
        spanExportChannel({
          url: config.otlpTracesEndpoint,
          protocol: config.otlpProtocol,
          requestTimeoutMs: config.otlpTimeoutMs,
          batchTimeoutMs: config.exportTimeoutMs,
        }),
        {
          maxQueueSize: config.maxQueueSize,
          maxExportBatchSize: batchSize,
          scheduledDelayMs: config.scheduledDelayMs,
          endpoint: config.otlpTracesEndpoint,
        },
        health,
      );
      const target = { url: config.otlpTracesEndpoint, protocol: config.otlpProtocol, batchSize };
      const processor = new LateSpanProcessor(batches, target, config.maxQueueSize, batches, undefined, (lost) =>
        health.droppedBy('shutdown_timeout', lost),
      );
      return { processor, health };
    }
  }
}

/**
 * The metric readers, plus the `/metrics` server when Prometheus is on. Each reader gets its own producer
 * of the prediction metrics: `/metrics` takes explicit duration buckets, OTLP exponential ones unless told
 * otherwise. Both bound every instrument to `metricCardinalityLimit` series. `runtimeMetrics`, when given,
 * reports the runtime and process metrics to both.
 */
export function buildMetricReaders(
  config: ResolvedConfig,
  isScrape: { serves: (request: IncomingMessage) => boolean },
  resourceSettled: Promise<unknown>,
  runtimeMetrics?: MetricProducer,
): {
  readers: IMetricReader[];
  metricsServer: MetricsServer | undefined;
  retries: ShutdownAwareRetries[];
  httpDurations: HttpServerDurations;
} {
  getPredictionMetricsRegistry().configure({
    cardinalityLimit: config.metricCardinalityLimit,
    durationBuckets: [...config.predictionDurationBuckets],
  });
  const readers: IMetricReader[] = [];
  const retries: ShutdownAwareRetries[] = [];
  let metricsServer: MetricsServer | undefined;
  const wanted = config.metricsExporters.includes('prometheus') || config.metricsExporters.includes('otlp');
  // Drift monitors report through the hub only where they would otherwise reach our meter provider.
  const hub = wanted && !registeredSignals().metrics ? installMetricSourceHub() : undefined;
  const producers = (...own: MetricProducer[]) => [
    ...own,
    ...(runtimeMetrics ? [runtimeMetrics] : []),
    ...(hub ? [hub.producer(config.metricCardinalityLimit)] : []),
  ];
  const prometheus = config.metricsExporters.includes('prometheus');
  const otlp = config.metricsExporters.includes('otlp');
  const otlpExponential = config.otlpHistogramAggregation === 'base2_exponential_bucket_histogram';
  // The HTTP server durations are kept in the shapes the readers export, and handed to each at collection.
  const httpDurations = new HttpServerDurations(config.metricCardinalityLimit, {
    explicit: prometheus || (otlp && !otlpExponential),
    exponential: otlp && otlpExponential,
  });
  if (prometheus) {
    const reader = new PrometheusReader(
      producers(predictionMetricProducer(), httpDurations.producer('explicit')),
      config.metricCardinalityLimit,
      config.prometheusScopeLabels,
    );
    // The host detector reads the host id asynchronously; a scrape before it settles would make the SDK
    // complain and miss the attribute in target_info, so the first scrapes wait for it (a few ms).
    metricsServer = serveMetrics(config.prometheusHost, config.prometheusPort, (request, response) => {
      void resourceSettled.then(() => reader.handle(request, response));
    });
    isScrape.serves = metricsServer.serves;
    readers.push(reader);
  }
  if (config.metricsExporters.includes('otlp')) {
    const exponential = config.otlpHistogramAggregation === 'base2_exponential_bucket_histogram';
    const options = {
      url: config.otlpMetricsEndpoint,
      timeoutMillis: config.otlpMetricsTimeoutMs,
      ...(exponential ? { aggregationPreference: exponentialHistograms } : {}),
    };
    const exporter =
      config.otlpMetricsProtocol === 'http/protobuf'
        ? new OTLPProtoMetricExporter(options)
        : new OTLPJsonMetricExporter(options);
    const exporterRetries = shutdownAwareRetries(exporter);
    if (exporterRetries) retries.push(exporterRetries);
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: warnOnceMetricExporter(exporter, config.otlpMetricsEndpoint, config.metricCardinalityLimit),
        exportIntervalMillis: config.metricExportIntervalMs,
        exportTimeoutMillis: Math.min(config.metricExportTimeoutMs, config.metricExportIntervalMs),
        metricProducers: producers(
          predictionMetricProducer({ durationHistogram: exponential ? 'exponential' : 'explicit' }),
          httpDurations.producer(exponential ? 'exponential' : 'explicit'),
        ),
        cardinalityLimits: { default: config.metricCardinalityLimit },
      }),
    );
  }
  return { readers, metricsServer, retries, httpDurations };
}

/** Histograms as base-2 exponential histograms, everything else as the SDK's default. */
function exponentialHistograms(type: InstrumentType): AggregationOption {
  return type === InstrumentType.HISTOGRAM
    ? { type: AggregationType.EXPONENTIAL_HISTOGRAM }
    : { type: AggregationType.DEFAULT };
}

function warnOnceMetricExporter(
  inner: PushMetricExporter,
  endpoint: string,
  cardinalityLimit: number,
): PushMetricExporter {
  return {
    export(metrics, resultCallback) {
      reportOverflows(overflowingMetrics(metrics), cardinalityLimit);
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
