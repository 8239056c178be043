import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IRIS_ROWS, irisExampleScript } from './support/iris-example';
import { freePort, startPrometheus, type PrometheusServer, type PromSample } from './support/prometheus';
import { predict, startService, type ServiceProcess } from './support/service-process';

// The real Prometheus server scrapes the /metrics endpoints the preload serves in two replicas of the iris
// example, a stable version under --require and a canary under --import; PromQL over its HTTP API.
const STABLE = 6;
const CANARY = 4;

const byVersion = (samples: PromSample[]) =>
  Object.fromEntries(samples.map((sample) => [sample.metric['ml_model_version'], Number(sample.value[1])]));

describe('Prometheus scraping a service run with the preload', () => {
  let stable: ServiceProcess;
  let canary: ServiceProcess;
  let prometheus: PrometheusServer;
  let metricsPort: number;

  beforeAll(async () => {
    metricsPort = await freePort();
    const canaryMetricsPort = await freePort();
    const env = (version: string, port: number) => ({
      MODEL_VERSION: version,
      OTEL_SERVICE_NAME: 'iris-service',
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
    });
    [stable, canary] = await Promise.all([
      startService({
        script: irisExampleScript('require'),
        preload: 'require',
        port: await freePort(),
        env: env('1.4.0', metricsPort),
      }),
      startService({
        script: irisExampleScript('import'),
        preload: 'import',
        port: await freePort(),
        env: env('2.0.0-canary', canaryMetricsPort),
      }),
    ]);
    prometheus = await startPrometheus({
      targets: [`127.0.0.1:${metricsPort}`, `127.0.0.1:${canaryMetricsPort}`],
      scrapeIntervalSeconds: 1,
    });
    // Two rounds with scrapes in between, so that rate() has an increase to see.
    for (const round of [0, 1]) {
      for (let i = 0; i < STABLE / 2; i += 1) await predict(stable, IRIS_ROWS[i % 3]!.features);
      for (let i = 0; i < CANARY / 2; i += 1) await predict(canary, IRIS_ROWS[(i + round) % 3]!.features);
      if (round === 0) await prometheus.waitFor('count(ml_predictions_total) >= 4');
    }
    await prometheus.waitFor(
      'sum(ml_predictions_total)',
      (samples) => Number(samples[0]?.value[1]) === STABLE + CANARY,
    );
  });

  afterAll(async () => {
    await prometheus?.stop();
    await stable?.stop();
    await canary?.stop();
  });

  it('counts ml_predictions_total by model version', async () => {
    const samples = await prometheus.query(
      'sum by (ml_model_version) (ml_predictions_total{ml_model_name="iris-classifier", ml_prediction_status="ok"})',
    );
    expect(byVersion(samples)).toEqual({ '1.4.0': STABLE, '2.0.0-canary': CANARY });
    const errors = await prometheus.query('sum(ml_predictions_total{ml_prediction_status="error"})');
    expect(Number(errors[0]!.value[1])).toBe(0);
  });

  it('gives a positive rate of predictions for each version', async () => {
    const samples = await prometheus.waitFor(
      'sum by (ml_model_version) (rate(ml_predictions_total[30s]))',
      (answer) => answer.length === 2 && answer.every((sample) => Number(sample.value[1]) > 0),
    );
    expect(Object.keys(byVersion(samples)).sort()).toEqual(['1.4.0', '2.0.0-canary']);
  });

  it('computes histogram_quantile of the prediction duration within the bucket range', async () => {
    const samples = await prometheus.waitFor(
      'histogram_quantile(0.95, sum by (le, ml_model_version) (rate(ml_prediction_duration_seconds_bucket[30s])))',
      (answer) => answer.length === 2 && answer.every((sample) => Number.isFinite(Number(sample.value[1]))),
    );
    for (const sample of samples) {
      expect(Number(sample.value[1])).toBeGreaterThan(0);
      expect(Number(sample.value[1])).toBeLessThanOrEqual(10);
    }
  });

  it('has the runtime metrics of both replicas: event-loop delay, heap, GC, process CPU and memory', async () => {
    for (const name of [
      'nodejs_eventloop_delay_p99',
      'v8js_memory_heap_used',
      'v8js_gc_duration_count',
      'process_cpu_time_total',
      'process_memory_usage',
    ]) {
      const samples = await prometheus.waitFor(`count by (instance) (${name})`, (answer) => answer.length === 2);
      expect(samples.map((sample) => sample.metric['instance']).sort(), name).toHaveLength(2);
    }
  });

  it('reports an event-loop utilization well below 1 for replicas that mostly wait', async () => {
    const samples = await prometheus.waitFor('nodejs_eventloop_utilization', (answer) => answer.length === 2);
    for (const sample of samples) expect(Number(sample.value[1]), sample.metric['instance']).toBeLessThan(0.5);
  });

  it('labels the series with the service through target_info', async () => {
    const samples = await prometheus.query('target_info');
    expect(samples.map((sample) => sample.metric['service_name'])).toEqual(['iris-service', 'iris-service']);
  });

  it('serves a scrape that promtool check metrics accepts without complaint', async () => {
    const scrape = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(scrape).toContain('ml_predictions_total{');
    const check = spawnSync('promtool', ['check', 'metrics'], { input: scrape, encoding: 'utf8' });
    expect(check.error).toBeUndefined();
    expect(`${check.stdout}${check.stderr}`).toBe('');
    expect(check.status).toBe(0);
  });
});
