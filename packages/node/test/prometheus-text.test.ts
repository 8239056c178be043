import { ValueType } from '@opentelemetry/api';
import { predictionMetricProducer, PredictionMetricsRegistry, traced } from '@modelsight/core';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type MetricProducer, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { expect, it } from 'vitest';
import { PrometheusReader } from '../src/metrics/prometheus-reader';
import { PrometheusTextSerializer } from '../src/metrics/prometheus-text';

/** Metrics of every kind the text format carries, with names, labels and values that need escaping. */
function setup() {
  const registry = new PredictionMetricsRegistry();
  const reader = new PrometheusReader([predictionMetricProducer({ registry }), handMade()], 2000);
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'iris "service"', 'host.id': 'a\\b\nc', 'process.pid': 42 }),
    readers: [reader],
  });
  const meter = provider.getMeter('test-scope', '1.2.3', { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' });
  const counter = meter.createCounter('http.server.requests', {
    description: 'Requests,\nby "route" \\ method',
    unit: 'request',
  });
  const upDown = meter.createUpDownCounter('queue-depth');
  const histogram = meter.createHistogram('payload.size', {
    unit: 'By',
    advice: { explicitBucketBoundaries: [0, 100, 1000] },
  });
  const plain = provider.getMeter('no-version').createHistogram('latency', { valueType: ValueType.DOUBLE });
  const gauge = meter.createObservableGauge('temperature');
  let temperature = 21.5;
  gauge.addCallback((result) => {
    result.observe(temperature, { room: 'lab' });
    result.observe(Number.NaN, { room: 'attic' });
    result.observe(Number.POSITIVE_INFINITY, { room: 'sun' });
  });
  counter.add(3, { route: '/predict', method: 'POST', ok: true, codes: [200, 201] as never });
  counter.add(1, { route: 'a"b\\c\nd' });
  counter.add(2, {});
  upDown.add(-4, { 'queue.name': 'in--bound' });
  for (const v of [5, 50, 500, 5000]) histogram.record(v, { kind: 'json' });
  plain.record(0.02);
  const predict = traced((x: number) => ({ label: 'setosa', confidence: x }), {
    model: { name: 'iris', version: '1.0.0' },
    registry,
  });
  predict(0.9);
  predict(0.4);
  return {
    reader,
    collect: async () => (await reader.collect()).resourceMetrics,
    change: () => {
      counter.add(1, { route: '/predict', method: 'POST', ok: true, codes: [200, 201] as never });
      temperature += 1;
    },
    predict,
  };
}

/** Metrics the SDK never produces but a producer could: names Prometheus cannot take as they are. */
function handMade(): MetricProducer {
  const metric = (name: string, description: string) => ({
    descriptor: { name, description, unit: '', valueType: ValueType.INT },
    aggregationTemporality: 1,
    dataPointType: 3,
    isMonotonic: false,
    dataPoints: [
      { attributes: { 'a.b-c': 'x', 'undefined.value': undefined }, startTime: [0, 0], endTime: [1, 0], value: 7 },
    ],
  });
  return {
    async collect() {
      return {
        resourceMetrics: {
          resource: undefined,
          scopeMetrics: [
            {
              scope: { name: 'hand' },
              metrics: [metric('2xx.responses', ''), metric('_', 'not a name'), metric('a__b..c', 'x')],
            },
          ],
        } as unknown as ResourceMetrics,
        errors: [],
      };
    },
  };
}

const upstream = (metrics: ResourceMetrics) => new PrometheusSerializer().serialize(metrics);

it('writes exactly what the upstream Prometheus serializer writes', async () => {
  const { collect } = setup();
  const metrics = await collect();
  const text = new PrometheusTextSerializer().serialize(metrics);
  expect(text).toBe(upstream(metrics));
  expect(text).toContain('otel_scope_schema_url="https://opentelemetry.io/schemas/1.30.0"');
  expect(text).toContain(
    'ml_prediction_duration_seconds_bucket{ml_model_name="iris",ml_model_version="1.0.0",otel_scope_name="@modelsight/core"',
  );
});

it('writes what the upstream serializer writes with withoutScopeInfo when scope labels are off', async () => {
  const { collect } = setup();
  const metrics = await collect();
  const text = new PrometheusTextSerializer(undefined, false).serialize(metrics);
  expect(text).toBe(new PrometheusSerializer(undefined, false, undefined, false, true).serialize(metrics));
  expect(text).not.toContain('otel_scope_');
  expect(text).toContain('ml_prediction_duration_seconds_bucket{ml_model_name="iris",ml_model_version="1.0.0",le=');
});

it('reuses the text of families whose values did not change, and rebuilds the others', async () => {
  const { collect, change } = setup();
  const serializer = new PrometheusTextSerializer();
  serializer.serialize(await collect());
  const families = serializer.rebuilt;
  const again = await collect();
  expect(serializer.serialize(again)).toBe(upstream(again));
  expect(serializer.rebuilt).toBe(0);
  change();
  const changed = await collect();
  expect(serializer.serialize(changed)).toBe(upstream(changed));
  expect(serializer.rebuilt).toBe(2);
  expect(families).toBeGreaterThan(8);
});

it('rebuilds the prediction families after a prediction, to the same text as upstream', async () => {
  const { collect, predict } = setup();
  const serializer = new PrometheusTextSerializer();
  serializer.serialize(await collect());
  predict(0.7);
  const after = await collect();
  expect(serializer.serialize(after)).toBe(upstream(after));
  // Predictions, duration and confidence changed; the in-flight gauge is back at 0.
  expect(serializer.rebuilt).toBe(3);
});

it('says when a family has an overflow series of the cardinality limit', async () => {
  const names: string[][] = [];
  const provider = new MeterProvider({ readers: [] });
  const reader = new PrometheusReader([], 3);
  const limited = new MeterProvider({ readers: [reader] });
  const counter = limited.getMeter('m').createCounter('ml_drift_bin');
  for (let bin = 0; bin < 5; bin++) counter.add(1, { bin: String(bin) });
  const metrics = (await reader.collect()).resourceMetrics;
  const serializer = new PrometheusTextSerializer((overflowing) => names.push(overflowing));
  const text = serializer.serialize(metrics);
  expect(text).toBe(upstream(metrics));
  expect(text).toContain('ml_drift_bin_total{otel_metric_overflow="true",otel_scope_name="m"} 3');
  expect(names).toEqual([['ml_drift_bin_total']]);
  await provider.shutdown();
});
