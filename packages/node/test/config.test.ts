import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/config';

/** The configuration the preload gets: environment variables only. */
const fromEnv = (env: Record<string, string>) => resolveConfig({}, env);

describe('resolveConfig', () => {
  it('uses the defaults when neither options nor variables are given', () => {
    const config = fromEnv({});
    expect(config).toMatchObject({
      serviceName: undefined,
      tracesExporter: 'otlp',
      otlpTracesEndpoint: 'http://localhost:4318/v1/traces',
      otlpMetricsEndpoint: 'http://localhost:4318/v1/metrics',
      otlpProtocol: 'http/json',
      otlpTimeoutMs: 10_000,
      otlpMetricsProtocol: 'http/json',
      otlpMetricsTimeoutMs: 10_000,
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
      scheduledDelayMs: 5000,
      exportTimeoutMs: 30_000,
      metricsExporters: ['prometheus'],
      prometheusHost: 'localhost',
      prometheusPort: 9464,
      runtimeMetrics: true,
      logLevel: 'warn',
      keepQueryParams: [],
      handleSignals: true,
      shutdownTimeoutMs: 5000,
      disabled: false,
      attributeValueLengthLimit: 4096,
      prometheusScopeLabels: true,
      droppedSpansReportIntervalMs: 10_000,
      warnings: [],
    });
  });

  it('limits span attribute values by OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT, else OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, and an option over both', () => {
    expect(fromEnv({ OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '100' }).attributeValueLengthLimit).toBe(100);
    const both = { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '100', OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '50' };
    expect(fromEnv(both).attributeValueLengthLimit).toBe(50);
    expect(resolveConfig({ attributeValueLengthLimit: 10 }, both).attributeValueLengthLimit).toBe(10);
    const bad = fromEnv({ OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: 'long' });
    expect(bad.attributeValueLengthLimit).toBe(4096);
    expect(bad.warnings).toEqual([
      'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT="long" is not valid (expected a whole number greater than 0); using 4096',
    ]);
    expect(() => resolveConfig({ attributeValueLengthLimit: 0 })).toThrow(/attributeValueLengthLimit = 0/);
  });

  it('reads MODELSIGHT_PROMETHEUS_SCOPE_LABELS and MODELSIGHT_DROPPED_SPANS_REPORT_INTERVAL_MS', () => {
    const config = fromEnv({
      MODELSIGHT_PROMETHEUS_SCOPE_LABELS: 'false',
      MODELSIGHT_DROPPED_SPANS_REPORT_INTERVAL_MS: '60000',
    });
    expect(config).toMatchObject({ prometheusScopeLabels: false, droppedSpansReportIntervalMs: 60_000, warnings: [] });
    expect(fromEnv({ MODELSIGHT_PROMETHEUS_SCOPE_LABELS: 'no' }).warnings).toEqual([
      'MODELSIGHT_PROMETHEUS_SCOPE_LABELS="no" is not valid (expected true or false); using true',
    ]);
  });

  it('reads the standard OTEL_* variables', () => {
    const config = fromEnv({
      OTEL_SERVICE_NAME: 'iris',
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_METRICS_EXPORTER: 'prometheus,otlp',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: '9100',
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_LOG_LEVEL: 'DEBUG',
      OTEL_SDK_DISABLED: 'true',
    });
    expect(config).toMatchObject({
      serviceName: 'iris',
      tracesExporter: 'console',
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
      metricsExporters: ['prometheus', 'otlp'],
      prometheusHost: '127.0.0.1',
      prometheusPort: 9100,
      maxQueueSize: 100,
      logLevel: 'debug',
      disabled: true,
      warnings: [],
    });
  });

  it('reads the query parameters kept on HTTP spans from MODELSIGHT_KEEP_QUERY_PARAMS, an option winning', () => {
    expect(fromEnv({ MODELSIGHT_KEEP_QUERY_PARAMS: ' version, page ,' }).keepQueryParams).toEqual(['version', 'page']);
    expect(
      resolveConfig({ keepQueryParams: ['*'] }, { MODELSIGHT_KEEP_QUERY_PARAMS: 'version' }).keepQueryParams,
    ).toEqual(['*']);
  });

  it('appends the signal path to OTEL_EXPORTER_OTLP_ENDPOINT, dropping a trailing slash', () => {
    const config = fromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' });
    expect(config.otlpTracesEndpoint).toBe('http://collector:4318/v1/traces');
    expect(config.otlpMetricsEndpoint).toBe('http://collector:4318/v1/metrics');
  });

  it('uses OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, over the base endpoint', () => {
    const config = fromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9999/custom',
    });
    expect(config.otlpTracesEndpoint).toBe('http://b:9999/custom');
  });

  it.each([
    [
      'TRACES',
      {
        otlpTimeoutMs: 2000,
        otlpProtocol: 'http/protobuf',
        otlpMetricsTimeoutMs: 1000,
        otlpMetricsProtocol: 'http/json',
      },
    ],
    [
      'METRICS',
      {
        otlpTimeoutMs: 1000,
        otlpProtocol: 'http/json',
        otlpMetricsTimeoutMs: 2000,
        otlpMetricsProtocol: 'http/protobuf',
      },
    ],
  ])(
    'prefers OTEL_EXPORTER_OTLP_%s_TIMEOUT and _PROTOCOL over the general ones, for that signal only',
    (signal, expected) => {
      const general = { OTEL_EXPORTER_OTLP_TIMEOUT: '1000', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
      const config = fromEnv({
        ...general,
        [`OTEL_EXPORTER_OTLP_${signal}_TIMEOUT`]: '2000',
        [`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`]: 'http/protobuf',
      });
      expect(config).toMatchObject(expected);
    },
  );

  it('applies the otlpProtocol and otlpTimeoutMs options to both signals, over every variable', () => {
    const config = resolveConfig(
      { otlpProtocol: 'http/protobuf', otlpTimeoutMs: 500 },
      { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '3000' },
    );
    expect(config).toMatchObject({
      otlpTimeoutMs: 500,
      otlpProtocol: 'http/protobuf',
      otlpMetricsTimeoutMs: 500,
      otlpMetricsProtocol: 'http/protobuf',
    });
  });

  it('uses the first of several trace exporters and says that the others are not used', () => {
    const config = fromEnv({ OTEL_TRACES_EXPORTER: 'console,otlp' });
    expect(config.tracesExporter).toBe('console');
    expect(config.warnings).toEqual([
      'OTEL_TRACES_EXPORTER="console,otlp" names several exporters; only console is used',
    ]);
  });

  it('lets an option win over its variable', () => {
    const config = resolveConfig(
      { serviceName: 'from-code', prometheusPort: 9200, tracesExporter: 'none', metricsExporters: ['otlp'] },
      {
        OTEL_SERVICE_NAME: 'from-env',
        OTEL_EXPORTER_PROMETHEUS_PORT: '9100',
        OTEL_TRACES_EXPORTER: 'console',
        OTEL_METRICS_EXPORTER: 'prometheus',
      },
    );
    expect(config).toMatchObject({
      serviceName: 'from-code',
      prometheusPort: 9200,
      tracesExporter: 'none',
      metricsExporters: ['otlp'],
    });
  });

  it('turns a signal off when its exporter list contains none', () => {
    expect(fromEnv({ OTEL_METRICS_EXPORTER: 'prometheus,none' }).metricsExporters).toEqual(['none']);
    expect(fromEnv({ OTEL_TRACES_EXPORTER: 'none' }).tracesExporter).toBe('none');
  });

  it('treats a blank variable as unset', () => {
    const config = fromEnv({ OTEL_SERVICE_NAME: '  ', OTEL_EXPORTER_PROMETHEUS_PORT: '' });
    expect(config.serviceName).toBeUndefined();
    expect(config.prometheusPort).toBe(9464);
    expect(config.warnings).toEqual([]);
  });

  it('ignores OTEL_TRACES_SAMPLER_ARG for samplers without a ratio', () => {
    const config = fromEnv({ OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: 'not-a-number' });
    expect(config.samplerRatio).toBe(1);
    expect(config.warnings).toEqual([]);
  });

  it('falls back to the default for a bad variable and names the variable, its value and the default', () => {
    const config = fromEnv({ OTEL_EXPORTER_PROMETHEUS_PORT: 'abc' });
    expect(config.prometheusPort).toBe(9464);
    expect(config.warnings).toEqual([
      'OTEL_EXPORTER_PROMETHEUS_PORT="abc" is not valid (expected a whole number from 0 to 65535); using 9464',
    ]);
  });

  it('collects one warning per bad variable', () => {
    const config = fromEnv({
      OTEL_TRACES_EXPORTER: 'jaeger',
      OTEL_METRICS_EXPORTER: 'prometheus,statsd',
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '1.5',
      OTEL_BSP_SCHEDULE_DELAY: '-1',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      MODELSIGHT_RUNTIME_METRICS: 'yes',
      OTEL_LOG_LEVEL: 'loud',
    });
    expect(config).toMatchObject({
      tracesExporter: 'otlp',
      metricsExporters: ['prometheus'],
      samplerRatio: 1,
      scheduledDelayMs: 5000,
      otlpTracesEndpoint: 'http://localhost:4318/v1/traces',
      runtimeMetrics: true,
      logLevel: 'warn',
    });
    expect(config.warnings.map((warning) => warning.split('=')[0])).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_METRICS_EXPORTER',
      'OTEL_TRACES_EXPORTER',
      'OTEL_TRACES_SAMPLER_ARG',
      'OTEL_BSP_SCHEDULE_DELAY',
      'MODELSIGHT_RUNTIME_METRICS',
      'OTEL_LOG_LEVEL',
    ]);
  });

  it('throws for a bad option, naming the option and its value', () => {
    expect(() => resolveConfig({ prometheusPort: 70_000 }, {})).toThrow(
      'option prometheusPort = 70000 is not valid: expected a port number from 0 to 65535',
    );
    expect(() => resolveConfig({ tracesExporter: 'jaeger' as never }, {})).toThrow(
      'option tracesExporter = "jaeger" is not valid',
    );
    expect(() => resolveConfig({ samplerRatio: 2 }, {})).toThrow('option samplerRatio = 2 is not valid');
    expect(() => resolveConfig({ otlpTracesEndpoint: 'collector:4318' }, {})).toThrow(
      'option otlpTracesEndpoint = "collector:4318" is not valid',
    );
    expect(() => resolveConfig({ shutdownTimeoutMs: 0 }, {})).toThrow('option shutdownTimeoutMs = 0 is not valid');
    expect(() => resolveConfig({ metricsExporters: [] }, {})).toThrow('option metricsExporters = [] is not valid');
    expect(() => resolveConfig({ keepQueryParams: 'version' as never }, {})).toThrow(
      'option keepQueryParams = "version" is not valid',
    );
    expect(() => resolveConfig({ resourceAttributes: 'deployment.environment.name=prod' as never }, {})).toThrow(
      'option resourceAttributes = "deployment.environment.name=prod" is not valid: expected an object of attribute names',
    );
  });

  it('throws when the options are not an object, as when the service name is given alone', () => {
    expect(() => resolveConfig('iris-service' as never, {})).toThrow(
      'option options = "iris-service" is not valid: expected an object, such as { serviceName }',
    );
  });
});
