import { resolveInstrumentationConfig } from './instrumentation-config';
import { resolveMetricShape } from './metric-options';
import type { ModelsightNodeOptions, ResolvedConfig } from '../types';
import { NodeEnvReader as EnvReader } from './env-config';

type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_OTLP_BASE = 'http://localhost:4318';
const TRACES_EXPORTERS: readonly ResolvedConfig['tracesExporter'][] = ['otlp', 'console', 'none'];
const METRICS_EXPORTERS: readonly ResolvedConfig['metricsExporters'][number][] = ['prometheus', 'otlp', 'none'];
const PROTOCOLS: readonly ResolvedConfig['otlpProtocol'][] = ['http/json', 'http/protobuf'];
const SAMPLERS: readonly ResolvedConfig['sampler'][] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];
const LOG_LEVELS: readonly ResolvedConfig['logLevel'][] = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'];

/**
 * Reads options first, then environment variables, then defaults. A bad option throws an error naming the
 * option and its value (a programming error, found at start-up). A bad environment variable never throws:
 * the default is used and the reason is added to `warnings`, so that a typo in a deployment cannot take a
 * service down.
 */
export function resolveConfig(options: ModelsightNodeOptions = {}, env: Env = process.env): ResolvedConfig {
  // start('iris-service') would otherwise start with every default and a service named unknown_service:node.
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw invalid('options', options, 'an object, such as { serviceName }');
  const warnings: string[] = [];
  const read = new EnvReader(env, warnings);

  const otlpBase = trimSlash(read.url('OTEL_EXPORTER_OTLP_ENDPOINT', DEFAULT_OTLP_BASE) ?? DEFAULT_OTLP_BASE);
  const metricsExporters =
    options.metricsExporters !== undefined
      ? optionList('metricsExporters', options.metricsExporters, METRICS_EXPORTERS)
      : read.list('OTEL_METRICS_EXPORTER', METRICS_EXPORTERS, ['prometheus']);

  // The OTLP options apply to both signals; each signal's own variable wins over the general one.
  const protocolOption =
    options.otlpProtocol !== undefined ? optionOneOf('otlpProtocol', options.otlpProtocol, PROTOCOLS) : undefined;
  const timeoutOption =
    options.otlpTimeoutMs !== undefined ? positiveInt('otlpTimeoutMs', options.otlpTimeoutMs) : undefined;
  // Each general variable is read once; a signal's own variable wins over it (and falls back to it).
  const generalProtocol = read.oneOf('OTEL_EXPORTER_OTLP_PROTOCOL', PROTOCOLS, 'http/json');
  const generalTimeout = read.positiveInt('OTEL_EXPORTER_OTLP_TIMEOUT', 10_000);
  const protocolFor = (signal: 'TRACES' | 'METRICS') =>
    protocolOption ?? read.oneOf(`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`, PROTOCOLS, generalProtocol);
  const timeoutFor = (signal: 'TRACES' | 'METRICS') =>
    timeoutOption ?? read.positiveInt(`OTEL_EXPORTER_OTLP_${signal}_TIMEOUT`, generalTimeout);

  const sampler =
    options.sampler !== undefined
      ? optionOneOf('sampler', options.sampler, SAMPLERS)
      : read.oneOf('OTEL_TRACES_SAMPLER', SAMPLERS, 'parentbased_always_on');

  return {
    serviceName:
      options.serviceName !== undefined
        ? nonEmpty('serviceName', options.serviceName)
        : read.string('OTEL_SERVICE_NAME'),
    serviceVersion:
      options.serviceVersion !== undefined ? nonEmpty('serviceVersion', options.serviceVersion) : undefined,
    resourceAttributes: attributes('resourceAttributes', options.resourceAttributes ?? {}),
    tracesExporter:
      options.tracesExporter !== undefined
        ? optionOneOf('tracesExporter', options.tracesExporter, TRACES_EXPORTERS)
        : tracesExporterFromEnv(read, warnings),
    otlpTracesEndpoint:
      options.otlpTracesEndpoint !== undefined
        ? url('otlpTracesEndpoint', options.otlpTracesEndpoint)
        : (read.url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? `${otlpBase}/v1/traces`),
    otlpMetricsEndpoint:
      options.otlpMetricsEndpoint !== undefined
        ? url('otlpMetricsEndpoint', options.otlpMetricsEndpoint)
        : (read.url('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT') ?? `${otlpBase}/v1/metrics`),
    otlpProtocol: protocolFor('TRACES'),
    otlpTimeoutMs: timeoutFor('TRACES'),
    otlpMetricsProtocol: protocolFor('METRICS'),
    otlpMetricsTimeoutMs: timeoutFor('METRICS'),
    sampler,
    samplerRatio:
      options.samplerRatio !== undefined
        ? ratio('samplerRatio', options.samplerRatio)
        : sampler.endsWith('traceidratio')
          ? read.ratio('OTEL_TRACES_SAMPLER_ARG', 1)
          : 1,
    maxQueueSize: pick(options.maxQueueSize, 'maxQueueSize', () => read.positiveInt('OTEL_BSP_MAX_QUEUE_SIZE', 2048)),
    maxExportBatchSize: pick(options.maxExportBatchSize, 'maxExportBatchSize', () =>
      read.positiveInt('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512),
    ),
    scheduledDelayMs: pick(options.scheduledDelayMs, 'scheduledDelayMs', () =>
      read.positiveInt('OTEL_BSP_SCHEDULE_DELAY', 5000),
    ),
    exportTimeoutMs: pick(options.exportTimeoutMs, 'exportTimeoutMs', () =>
      read.positiveInt('OTEL_BSP_EXPORT_TIMEOUT', 30_000),
    ),
    droppedSpansReportIntervalMs: pick(options.droppedSpansReportIntervalMs, 'droppedSpansReportIntervalMs', () =>
      read.positiveInt('MODELSIGHT_DROPPED_SPANS_REPORT_INTERVAL_MS', 10_000),
    ),
    // A client must not decide how large our spans are (a 12 kB URL or user agent): values are cut at 4096
    // characters unless the standard variables say otherwise.
    attributeValueLengthLimit: pick(options.attributeValueLengthLimit, 'attributeValueLengthLimit', () =>
      read.positiveInt(
        'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT',
        read.positiveInt('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', 4096),
      ),
    ),
    metricsExporters,
    prometheusScopeLabels:
      options.prometheusScopeLabels !== undefined
        ? bool('prometheusScopeLabels', options.prometheusScopeLabels)
        : read.bool('MODELSIGHT_PROMETHEUS_SCOPE_LABELS', true),
    // localhost as in the OpenTelemetry specification: metrics name models and hosts, not for everyone to read.
    prometheusHost:
      options.prometheusHost !== undefined
        ? nonEmpty('prometheusHost', options.prometheusHost)
        : (read.string('OTEL_EXPORTER_PROMETHEUS_HOST') ?? 'localhost'),
    prometheusPort:
      options.prometheusPort !== undefined
        ? port('prometheusPort', options.prometheusPort)
        : read.port('OTEL_EXPORTER_PROMETHEUS_PORT', 9464),
    metricExportIntervalMs: pick(options.metricExportIntervalMs, 'metricExportIntervalMs', () =>
      read.positiveInt('OTEL_METRIC_EXPORT_INTERVAL', 60_000),
    ),
    metricExportTimeoutMs: pick(options.metricExportTimeoutMs, 'metricExportTimeoutMs', () =>
      read.positiveInt('OTEL_METRIC_EXPORT_TIMEOUT', 30_000),
    ),
    runtimeMetrics:
      options.runtimeMetrics !== undefined
        ? bool('runtimeMetrics', options.runtimeMetrics)
        : read.bool('MODELSIGHT_RUNTIME_METRICS', true),
    frameworkSpans:
      options.frameworkSpans !== undefined
        ? bool('frameworkSpans', options.frameworkSpans)
        : read.bool('MODELSIGHT_FRAMEWORK_SPANS', false),
    logLevel:
      options.logLevel !== undefined
        ? optionOneOf('logLevel', options.logLevel, LOG_LEVELS)
        : read.oneOf('OTEL_LOG_LEVEL', LOG_LEVELS, 'warn'),
    handleSignals:
      options.handleSignals !== undefined
        ? bool('handleSignals', options.handleSignals)
        : read.bool('MODELSIGHT_HANDLE_SIGNALS', true),
    keepQueryParams:
      options.keepQueryParams !== undefined
        ? names('keepQueryParams', options.keepQueryParams)
        : read.names('MODELSIGHT_KEEP_QUERY_PARAMS'),
    shutdownTimeoutMs: pick(options.shutdownTimeoutMs, 'shutdownTimeoutMs', () =>
      read.positiveInt('MODELSIGHT_SHUTDOWN_TIMEOUT_MS', 5000),
    ),
    disabled:
      options.disabled !== undefined ? bool('disabled', options.disabled) : read.bool('OTEL_SDK_DISABLED', false),
    ...resolveInstrumentationConfig(options, read),
    ...resolveMetricShape(options, read),
    warnings,
  };
}

function tracesExporterFromEnv(read: EnvReader, warnings: string[]): ResolvedConfig['tracesExporter'] {
  const list = read.list('OTEL_TRACES_EXPORTER', TRACES_EXPORTERS, ['otlp']);
  // One span pipeline is enough for a model service; the first name wins, and the others are named
  // rather than dropped without a word.
  if (list.length > 1)
    warnings.push(
      `OTEL_TRACES_EXPORTER=${JSON.stringify(list.join(','))} names several exporters; only ${list[0]} is used`,
    );
  return list[0] ?? 'none';
}

function pick(value: number | undefined, option: string, fromEnv: () => number): number {
  return value !== undefined ? positiveInt(option, value) : fromEnv();
}

function invalid(option: string, value: unknown, expected: string): Error {
  return new TypeError(
    `@modelsight/node: option ${option} = ${JSON.stringify(value)} is not valid: expected ${expected}`,
  );
}

function optionOneOf<T extends string>(option: string, value: T, allowed: readonly T[]): T {
  if (allowed.includes(value)) return value;
  throw invalid(option, value, `one of ${allowed.join(', ')}`);
}

function optionList<T extends string>(option: string, value: readonly T[], allowed: readonly T[]): T[] {
  if (!Array.isArray(value) || value.length === 0 || value.some((item) => !allowed.includes(item))) {
    throw invalid(option, value, `a non-empty array of ${allowed.join(', ')}`);
  }
  return value.includes('none' as T) ? (['none'] as T[]) : [...new Set(value)];
}

function positiveInt(option: string, value: number): number {
  if (Number.isSafeInteger(value) && value > 0) return value;
  throw invalid(option, value, 'a whole number greater than 0');
}

function port(option: string, value: number): number {
  if (Number.isInteger(value) && value >= 0 && value <= 65_535) return value;
  throw invalid(option, value, 'a port number from 0 to 65535');
}

function ratio(option: string, value: number): number {
  if (typeof value === 'number' && value >= 0 && value <= 1) return value;
  throw invalid(option, value, 'a number from 0 to 1');
}

function bool(option: string, value: boolean): boolean {
  if (typeof value === 'boolean') return value;
  throw invalid(option, value, 'true or false');
}

function names(option: string, value: readonly string[]): string[] {
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' && item.trim() !== '')) return [...value];
  throw invalid(option, value, 'an array of non-empty strings');
}

function attributes(
  option: string,
  value: Record<string, string | number | boolean>,
): Record<string, string | number | boolean> {
  const valid =
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every(
      (item) =>
        typeof item === 'string' || typeof item === 'boolean' || (typeof item === 'number' && Number.isFinite(item)),
    );
  if (valid) return { ...value };
  throw invalid(
    option,
    value,
    'an object of attribute names to strings, numbers or booleans, such as { "deployment.environment.name": "prod" }',
  );
}

function nonEmpty(option: string, value: string): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw invalid(option, value, 'a non-empty string');
}

function url(option: string, value: string): string {
  if (typeof value === 'string' && isHttpUrl(value)) return value;
  throw invalid(option, value, 'an http:// or https:// URL');
}

function isHttpUrl(value: string): boolean {
  try {
    const parsed = new URL(value);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

function trimSlash(value: string): string {
  return value.replace(/\/+$/, '');
}
