import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { MetricShapeOptions, ResolvedMetricShape } from './config/metric-options';

/** Where spans go. */
export type TracesExporterName = 'otlp' | 'console' | 'none';

/** Where metrics go; several can be combined (`prometheus,otlp`). */
export type MetricsExporterName = 'prometheus' | 'otlp' | 'none';

/** Wire format of the OTLP/HTTP exporters. */
export type OtlpProtocol = 'http/json' | 'http/protobuf';

/** Names of the samplers of `OTEL_TRACES_SAMPLER`. */
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

/** Levels of `OTEL_LOG_LEVEL`, for the `diag` messages of OpenTelemetry and of this package. */
export type LogLevelName = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

/**
 * An OpenTelemetry instrumentation, as {@link start} uses one: every `Instrumentation` of
 * `@opentelemetry/instrumentation` fits (the 2.x and the 3.x SDK lines), e.g.
 * `new MongoDBInstrumentation()` of `@opentelemetry/instrumentation-mongodb`.
 */
export interface OpenTelemetryInstrumentation {
  /** Name of the instrumentation, e.g. `@opentelemetry/instrumentation-mongodb`. */
  readonly instrumentationName: string;
  /** Version of the instrumentation. */
  readonly instrumentationVersion: string;
  /** Starts patching (also called by the SDK when the instrumentation is registered). */
  enable(): void;
  /** Stops patching. */
  disable(): void;
  /** Gives the instrumentation the tracer provider its spans go to. */
  setTracerProvider(tracerProvider: TracerProvider): void;
  /** Gives the instrumentation the meter provider its metrics go to. */
  setMeterProvider(meterProvider: MeterProvider): void;
  /** Its configuration; `enabled: false` until it is enabled. */
  getConfig(): { enabled?: boolean };
}

/**
 * Options of {@link start}. Every option wins over its environment variable, which wins over the default.
 * The preload (`--require` / `--import @modelsight/node/register`) uses the environment variables only.
 */
export interface ModelsightNodeOptions extends MetricShapeOptions {
  /** `service.name` of the resource. Env: `OTEL_SERVICE_NAME`. @default `unknown_service:node` (or `service.name` in `OTEL_RESOURCE_ATTRIBUTES`) */
  serviceName?: string;
  /** `service.version` of the resource. Env: `service.version` in `OTEL_RESOURCE_ATTRIBUTES`. @default none */
  serviceVersion?: string;
  /** More resource attributes, added to (and winning over) `OTEL_RESOURCE_ATTRIBUTES`. @default {} */
  resourceAttributes?: Record<string, string | number | boolean>;
  /** Where spans go. Env: `OTEL_TRACES_EXPORTER`. @default 'otlp' */
  tracesExporter?: TracesExporterName;
  /**
   * Full URL the OTLP trace exporter posts to. Env: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is), else
   * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`.
   * @default 'http://localhost:4318/v1/traces'
   */
  otlpTracesEndpoint?: string;
  /**
   * Full URL the OTLP metric exporter posts to (when `metricsExporters` has `otlp`). Env:
   * `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/metrics`.
   * @default 'http://localhost:4318/v1/metrics'
   */
  otlpMetricsEndpoint?: string;
  /**
   * OTLP/HTTP wire format of the trace and metric exporters. Env: `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` for
   * spans, `OTEL_EXPORTER_OTLP_METRICS_PROTOCOL` for metrics, else `OTEL_EXPORTER_OTLP_PROTOCOL`.
   * @default 'http/json'
   */
  otlpProtocol?: OtlpProtocol;
  /**
   * Give up on one OTLP export request after this long, in ms. Env: `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT` for
   * spans, `OTEL_EXPORTER_OTLP_METRICS_TIMEOUT` for metrics, else `OTEL_EXPORTER_OTLP_TIMEOUT`.
   * @default 10000
   */
  otlpTimeoutMs?: number;
  /** Sampler. Env: `OTEL_TRACES_SAMPLER`. @default 'parentbased_always_on' */
  sampler?: SamplerName;
  /** Ratio of the `*traceidratio` samplers, in [0, 1]. Env: `OTEL_TRACES_SAMPLER_ARG`. @default 1 */
  samplerRatio?: number;
  /** Spans kept waiting for export at most; more are dropped (and counted). Env: `OTEL_BSP_MAX_QUEUE_SIZE`. @default 2048 */
  maxQueueSize?: number;
  /** Spans per export request at most. Env: `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`. @default 512 */
  maxExportBatchSize?: number;
  /** Delay between two exports. Env: `OTEL_BSP_SCHEDULE_DELAY`. @default 5000 */
  scheduledDelayMs?: number;
  /** Give up on one batch after this long. Env: `OTEL_BSP_EXPORT_TIMEOUT`. @default 30000 */
  exportTimeoutMs?: number;
  /**
   * Dropped spans (queue full, export failed, shutdown timeout) are reported in one warning per this many ms
   * at most, saying how many and why. Env: `MODELSIGHT_DROPPED_SPANS_REPORT_INTERVAL_MS`. @default 10000
   */
  droppedSpansReportIntervalMs?: number;
  /**
   * Longest string attribute value of a span (and of its events and links), in characters; longer values
   * are cut. Env: `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT`, else `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`.
   * @default 4096
   */
  attributeValueLengthLimit?: number;
  /** Where metrics go. Env: `OTEL_METRICS_EXPORTER` (comma-separated). @default ['prometheus'] */
  metricsExporters?: MetricsExporterName[];
  /**
   * Add the `otel_scope_name`, `otel_scope_version` (and `otel_scope_schema_url`) labels to every series on
   * `/metrics`, naming the instrumentation that made it, as the OpenTelemetry Prometheus exporters do by
   * default (`scope_info_enabled` of the declarative configuration); `false` leaves them out (a page about
   * 40% smaller). Env: `MODELSIGHT_PROMETHEUS_SCOPE_LABELS` (`true`/`false`). @default true
   */
  prometheusScopeLabels?: boolean;
  /**
   * Interface the Prometheus `/metrics` server listens on; `0.0.0.0` (or `::`) for every interface, as a
   * Prometheus on another host needs. Env: `OTEL_EXPORTER_PROMETHEUS_HOST`.
   * @default 'localhost' (the OpenTelemetry specification's default)
   */
  prometheusHost?: string;
  /** Port of the Prometheus `/metrics` server. Env: `OTEL_EXPORTER_PROMETHEUS_PORT`. @default 9464 */
  prometheusPort?: number;
  /** Interval of the OTLP metric exporter. Env: `OTEL_METRIC_EXPORT_INTERVAL`. @default 60000 */
  metricExportIntervalMs?: number;
  /** Timeout of one OTLP metric export. Env: `OTEL_METRIC_EXPORT_TIMEOUT`. @default 30000 */
  metricExportTimeoutMs?: number;
  /** Event-loop delay, heap and GC metrics, and process CPU and memory. Env: `MODELSIGHT_RUNTIME_METRICS`. @default true */
  runtimeMetrics?: boolean;
  /**
   * The spans of the web frameworks themselves: Fastify's `request` and `handler` spans (`@fastify/otel`),
   * Express's middleware, router and handler spans (`@opentelemetry/instrumentation-express`), Koa's middleware
   * and router spans, NestJS's app, controller and handler spans. Off, a request
   * makes two spans, the HTTP server span (named after the route, with `http.route`) and the predict span
   * under it; the route still names the server span and labels `http.server.request.duration`. On, the
   * framework's spans sit between the two. Env: `MODELSIGHT_FRAMEWORK_SPANS`. @default false
   */
  frameworkSpans?: boolean;
  /** Level of the `diag` messages written to the console. Env: `OTEL_LOG_LEVEL`. @default 'warn' */
  logLevel?: LogLevelName;
  /**
   * Query parameters whose values HTTP spans keep; every other value in `url.query` (server spans) and in the
   * query of `url.full` (client spans) is replaced by `REDACTED`, and a part without `=` as a whole.
   * `['*']` keeps query strings as they are. Env: `MODELSIGHT_KEEP_QUERY_PARAMS` (comma-separated).
   * @default [] (every value redacted)
   */
  keepQueryParams?: string[];
  /**
   * Flush spans, metrics and pino log lines on SIGTERM and SIGINT, and shut down when the event loop empties
   * (`beforeExit`). Env: `MODELSIGHT_HANDLE_SIGNALS`. @default true
   */
  handleSignals?: boolean;
  /**
   * Longest time for the flush on a signal or on `shutdown()`, export retries and requests included: no export
   * is retried once shutdown begins, and none outlives this. Env: `MODELSIGHT_SHUTDOWN_TIMEOUT_MS`. @default 5000
   */
  shutdownTimeoutMs?: number;
  /** Start nothing. Env: `OTEL_SDK_DISABLED`. @default false */
  disabled?: boolean;
  /**
   * Short names of the built-in instrumentations to run; the others are not loaded. Names: `http`,
   * `express`, `fastify`, `undici` (outgoing `fetch`), `pino`, `runtime-node`, `host-metrics` (process CPU
   * and memory), `onnxruntime`, `tfjs`, `transformers` (ML runtimes). An unknown name throws (the variable's
   * unknown names are warned about and ignored).
   * Env: `OTEL_NODE_ENABLED_INSTRUMENTATIONS` (comma-separated, as in `@opentelemetry/auto-instrumentations-node`).
   * @default every built-in instrumentation
   */
  enabledInstrumentations?: string[];
  /**
   * Short names of built-in instrumentations not to run, winning over `enabledInstrumentations`.
   * Env: `OTEL_NODE_DISABLED_INSTRUMENTATIONS` (comma-separated). @default []
   */
  disabledInstrumentations?: string[];
  /**
   * More instrumentations to run, e.g. `[new MongoDBInstrumentation()]`: their spans go where the preload's
   * go. One with the `instrumentationName` of a built-in one (say, `new HttpInstrumentation({ ... })` with
   * a configuration of your own) replaces it. Not read from the environment. @default []
   */
  instrumentations?: OpenTelemetryInstrumentation[];
}

/** The configuration {@link start} runs with: every option resolved from options, environment and defaults. */
export interface ResolvedConfig extends ResolvedMetricShape {
  /** See {@link ModelsightNodeOptions.serviceName}; `undefined` leaves it to the resource. */
  readonly serviceName: string | undefined;
  /** See {@link ModelsightNodeOptions.serviceVersion}. */
  readonly serviceVersion: string | undefined;
  /** See {@link ModelsightNodeOptions.resourceAttributes}. */
  readonly resourceAttributes: Readonly<Record<string, string | number | boolean>>;
  /** See {@link ModelsightNodeOptions.tracesExporter}. */
  readonly tracesExporter: TracesExporterName;
  /** See {@link ModelsightNodeOptions.otlpTracesEndpoint}. */
  readonly otlpTracesEndpoint: string;
  /** See {@link ModelsightNodeOptions.otlpMetricsEndpoint}. */
  readonly otlpMetricsEndpoint: string;
  /** Wire format of the trace exporter; see {@link ModelsightNodeOptions.otlpProtocol}. */
  readonly otlpProtocol: OtlpProtocol;
  /** Request timeout of the trace exporter, in ms; see {@link ModelsightNodeOptions.otlpTimeoutMs}. */
  readonly otlpTimeoutMs: number;
  /** Wire format of the metric exporter; see {@link ModelsightNodeOptions.otlpProtocol}. */
  readonly otlpMetricsProtocol: OtlpProtocol;
  /** Request timeout of the metric exporter, in ms; see {@link ModelsightNodeOptions.otlpTimeoutMs}. */
  readonly otlpMetricsTimeoutMs: number;
  /** See {@link ModelsightNodeOptions.sampler}. */
  readonly sampler: SamplerName;
  /** See {@link ModelsightNodeOptions.samplerRatio}; 1 for samplers without a ratio. */
  readonly samplerRatio: number;
  /** See {@link ModelsightNodeOptions.maxQueueSize}. */
  readonly maxQueueSize: number;
  /** See {@link ModelsightNodeOptions.maxExportBatchSize}. */
  readonly maxExportBatchSize: number;
  /** See {@link ModelsightNodeOptions.scheduledDelayMs}. */
  readonly scheduledDelayMs: number;
  /** See {@link ModelsightNodeOptions.exportTimeoutMs}. */
  readonly exportTimeoutMs: number;
  /** See {@link ModelsightNodeOptions.droppedSpansReportIntervalMs}. */
  readonly droppedSpansReportIntervalMs: number;
  /** See {@link ModelsightNodeOptions.attributeValueLengthLimit}. */
  readonly attributeValueLengthLimit: number;
  /** See {@link ModelsightNodeOptions.prometheusScopeLabels}. */
  readonly prometheusScopeLabels: boolean;
  /** See {@link ModelsightNodeOptions.metricsExporters}; `['none']` when metrics are off. */
  readonly metricsExporters: readonly MetricsExporterName[];
  /** See {@link ModelsightNodeOptions.prometheusHost}. */
  readonly prometheusHost: string;
  /** See {@link ModelsightNodeOptions.prometheusPort}. */
  readonly prometheusPort: number;
  /** See {@link ModelsightNodeOptions.metricExportIntervalMs}. */
  readonly metricExportIntervalMs: number;
  /** See {@link ModelsightNodeOptions.metricExportTimeoutMs}. */
  readonly metricExportTimeoutMs: number;
  /** See {@link ModelsightNodeOptions.runtimeMetrics}. */
  readonly runtimeMetrics: boolean;
  /** See {@link ModelsightNodeOptions.frameworkSpans}. */
  readonly frameworkSpans: boolean;
  /** See {@link ModelsightNodeOptions.logLevel}. */
  readonly logLevel: LogLevelName;
  /** See {@link ModelsightNodeOptions.keepQueryParams}. */
  readonly keepQueryParams: readonly string[];
  /** See {@link ModelsightNodeOptions.handleSignals}. */
  readonly handleSignals: boolean;
  /** See {@link ModelsightNodeOptions.shutdownTimeoutMs}. */
  readonly shutdownTimeoutMs: number;
  /** See {@link ModelsightNodeOptions.disabled}. */
  readonly disabled: boolean;
  /** See {@link ModelsightNodeOptions.enabledInstrumentations}; `undefined`: every built-in one. */
  readonly enabledInstrumentations: readonly string[] | undefined;
  /** See {@link ModelsightNodeOptions.disabledInstrumentations}. */
  readonly disabledInstrumentations: readonly string[];
  /** See {@link ModelsightNodeOptions.instrumentations}. */
  readonly instrumentations: readonly OpenTelemetryInstrumentation[];
  /**
   * Environment variables whose value could not be used, each with the default taken instead.
   * The preload writes them once through `diag.warn`; nothing is thrown for a bad variable.
   */
  readonly warnings: readonly string[];
}

/** What {@link start} returns: the running instance, shared by every later call. */
export interface ModelsightNode {
  /** The configuration in effect. */
  readonly config: ResolvedConfig;
  /**
   * `'started'`, or `'disabled'` (`OTEL_SDK_DISABLED` or the `disabled` option). Beside an OpenTelemetry
   * SDK the app registered first, it is `'started'` and `notes` says what was left to that SDK.
   */
  readonly state: 'started' | 'disabled';
  /** What start did, in one sentence per decision (also written through `diag`: `warn` for conflicts, `info` otherwise). */
  readonly notes: readonly string[];
  /** URL of the Prometheus endpoint, once it listens; `undefined` when it is off or its port was taken. */
  readonly metricsUrl: () => string | undefined;
  /** Exports every ended span and the current metrics, within `shutdownTimeoutMs`. Never rejects. */
  forceFlush(): Promise<void>;
  /**
   * Flushes, then stops exporters and the `/metrics` server, within `shutdownTimeoutMs`; spans that ended
   * meanwhile are exported last, with the main thread waiting for the collector's answer, and the lines
   * buffered by pino destinations are written synchronously. Never rejects.
   */
  shutdown(): Promise<void>;
}
