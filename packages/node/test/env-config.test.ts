import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { badValuePattern } from '@modelsight/test-support';
import { expect, test } from 'vitest';
import { resolveConfig } from '../src/config/config';
import type { ResolvedConfig } from '../src/types';

interface NodeEnvCase {
  readonly name: string;
  /** A value the preload must reject; `undefined` for a variable that takes any value. */
  readonly bad: string | undefined;
  /** The setting the variable gives, and its default. */
  readonly setting: (config: ResolvedConfig) => unknown;
  readonly fallback: unknown;
  /** Other variables the row needs (the sampler that reads the ratio). */
  readonly with?: Record<string, string>;
}

// Every variable of the preload, a value it must reject, and the default it then uses.
const CASES: readonly NodeEnvCase[] = [
  { name: 'OTEL_SERVICE_NAME', bad: undefined, setting: (c) => c.serviceName, fallback: undefined },
  { name: 'OTEL_TRACES_EXPORTER', bad: 'jaeger', setting: (c) => c.tracesExporter, fallback: 'otlp' },
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    bad: 'collector:4318',
    setting: (c) => c.otlpTracesEndpoint,
    fallback: 'http://localhost:4318/v1/traces',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    bad: 'ftp://collector',
    setting: (c) => c.otlpTracesEndpoint,
    fallback: 'http://localhost:4318/v1/traces',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
    bad: 'collector',
    setting: (c) => c.otlpMetricsEndpoint,
    fallback: 'http://localhost:4318/v1/metrics',
  },
  { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', bad: 'grpc', setting: (c) => c.otlpProtocol, fallback: 'http/json' },
  { name: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', bad: 'grpc', setting: (c) => c.otlpProtocol, fallback: 'http/json' },
  {
    name: 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL',
    bad: 'grpc',
    setting: (c) => c.otlpMetricsProtocol,
    fallback: 'http/json',
  },
  { name: 'OTEL_EXPORTER_OTLP_TIMEOUT', bad: '10s', setting: (c) => c.otlpTimeoutMs, fallback: 10_000 },
  { name: 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', bad: '0', setting: (c) => c.otlpTimeoutMs, fallback: 10_000 },
  {
    name: 'OTEL_EXPORTER_OTLP_METRICS_TIMEOUT',
    bad: '-1',
    setting: (c) => c.otlpMetricsTimeoutMs,
    fallback: 10_000,
  },
  {
    name: 'OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION',
    bad: 'native',
    setting: (c) => c.otlpHistogramAggregation,
    fallback: 'base2_exponential_bucket_histogram',
  },
  { name: 'OTEL_TRACES_SAMPLER', bad: 'sometimes', setting: (c) => c.sampler, fallback: 'parentbased_always_on' },
  {
    name: 'OTEL_TRACES_SAMPLER_ARG',
    bad: '2',
    setting: (c) => c.samplerRatio,
    fallback: 1,
    with: { OTEL_TRACES_SAMPLER: 'traceidratio' },
  },
  { name: 'OTEL_BSP_MAX_QUEUE_SIZE', bad: 'lots', setting: (c) => c.maxQueueSize, fallback: 2048 },
  { name: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', bad: '1.5', setting: (c) => c.maxExportBatchSize, fallback: 512 },
  { name: 'OTEL_BSP_SCHEDULE_DELAY', bad: 'often', setting: (c) => c.scheduledDelayMs, fallback: 5000 },
  { name: 'OTEL_BSP_EXPORT_TIMEOUT', bad: '0', setting: (c) => c.exportTimeoutMs, fallback: 30_000 },
  { name: 'OTEL_METRICS_EXPORTER', bad: 'statsd', setting: (c) => c.metricsExporters, fallback: ['prometheus'] },
  { name: 'OTEL_EXPORTER_PROMETHEUS_HOST', bad: undefined, setting: (c) => c.prometheusHost, fallback: 'localhost' },
  { name: 'OTEL_EXPORTER_PROMETHEUS_PORT', bad: '70000', setting: (c) => c.prometheusPort, fallback: 9464 },
  { name: 'OTEL_METRIC_EXPORT_INTERVAL', bad: '1m', setting: (c) => c.metricExportIntervalMs, fallback: 60_000 },
  { name: 'OTEL_METRIC_EXPORT_TIMEOUT', bad: 'x', setting: (c) => c.metricExportTimeoutMs, fallback: 30_000 },
  { name: 'OTEL_LOG_LEVEL', bad: 'loud', setting: (c) => c.logLevel, fallback: 'warn' },
  { name: 'OTEL_SDK_DISABLED', bad: '1', setting: (c) => c.disabled, fallback: false },
  {
    name: 'OTEL_NODE_ENABLED_INSTRUMENTATIONS',
    bad: undefined,
    setting: (c) => c.enabledInstrumentations,
    fallback: undefined,
  },
  {
    name: 'OTEL_NODE_DISABLED_INSTRUMENTATIONS',
    bad: undefined,
    setting: (c) => c.disabledInstrumentations,
    fallback: [],
  },
  {
    name: 'MODELSIGHT_DROPPED_SPANS_REPORT_INTERVAL_MS',
    bad: '10s',
    setting: (c) => c.droppedSpansReportIntervalMs,
    fallback: 10_000,
  },
  {
    name: 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT',
    bad: 'long',
    setting: (c) => c.attributeValueLengthLimit,
    fallback: 4096,
  },
  {
    name: 'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT',
    bad: '-1',
    setting: (c) => c.attributeValueLengthLimit,
    fallback: 4096,
  },
  { name: 'MODELSIGHT_PROMETHEUS_SCOPE_LABELS', bad: 'yes', setting: (c) => c.prometheusScopeLabels, fallback: true },
  { name: 'MODELSIGHT_FRAMEWORK_SPANS', bad: 'on', setting: (c) => c.frameworkSpans, fallback: false },
  { name: 'MODELSIGHT_RUNTIME_METRICS', bad: 'on', setting: (c) => c.runtimeMetrics, fallback: true },
  { name: 'MODELSIGHT_HANDLE_SIGNALS', bad: '0', setting: (c) => c.handleSignals, fallback: true },
  { name: 'MODELSIGHT_KEEP_QUERY_PARAMS', bad: undefined, setting: (c) => c.keepQueryParams, fallback: [] },
  { name: 'MODELSIGHT_SHUTDOWN_TIMEOUT_MS', bad: '5s', setting: (c) => c.shutdownTimeoutMs, fallback: 5000 },
  { name: 'MODELSIGHT_METRIC_CARDINALITY_LIMIT', bad: '1', setting: (c) => c.metricCardinalityLimit, fallback: 2000 },
  {
    name: 'MODELSIGHT_PREDICTION_DURATION_BUCKETS',
    bad: '1,0.5',
    setting: (c) => c.predictionDurationBuckets[0],
    fallback: 0.00001,
  },
];

test('the table covers every variable the configuration reads', () => {
  const dir = join(__dirname, '../src/config');
  const source = readdirSync(dir)
    .map((file) => readFileSync(join(dir, file), 'utf8'))
    .join('\n');
  const named = new Set(source.match(/'(OTEL|MODELSIGHT)_[A-Z_]+'/g)?.map((quoted) => quoted.slice(1, -1)));
  // The signal-specific names are built from a template: `OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`.
  for (const signal of ['TRACES', 'METRICS'])
    for (const suffix of ['PROTOCOL', 'TIMEOUT']) named.add(`OTEL_EXPORTER_OTLP_${signal}_${suffix}`);
  named.add('MODELSIGHT_METRIC_CARDINALITY_LIMIT');
  named.add('MODELSIGHT_PREDICTION_DURATION_BUCKETS');
  expect(CASES.map((c) => c.name).sort()).toEqual([...named].sort());
});

test.each(CASES.filter((c) => c.bad !== undefined))(
  'a bad $name gives one warning naming it, the value and the default, and the default',
  ({ name, bad, setting, fallback, with: others }) => {
    const config = resolveConfig({}, { ...others, [name]: bad });
    expect(setting(config)).toEqual(fallback);
    expect(config.warnings).toHaveLength(1);
    expect(config.warnings[0]).toMatch(badValuePattern(name, bad as string));
  },
);

test.each(CASES.filter((c) => c.bad === undefined))('$name takes any value, without a warning', ({ name, setting }) => {
  const config = resolveConfig({}, { [name]: 'some-name' });
  expect(setting(config)).toEqual(name === 'OTEL_SERVICE_NAME' || name.endsWith('_HOST') ? 'some-name' : ['some-name']);
  expect(config.warnings).toEqual([]);
});
