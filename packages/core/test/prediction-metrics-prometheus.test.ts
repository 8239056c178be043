import { diag, DiagLogLevel } from '@opentelemetry/api';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { predictionMetricProducer, PredictionMetricsRegistry, traced } from '../src/index';
import { metricsEndpoint, samplesOf as only } from './support/metrics-endpoint';

// A registry of its own, so that other tests' predictions do not show up here.
const registry = new PredictionMetricsRegistry();
const model = { name: 'iris-classifier', version: '1.4.0' };
let endpoint: Awaited<ReturnType<typeof metricsEndpoint>>;
const scrape = () => endpoint.scrape();

beforeAll(async () => {
  endpoint = await metricsEndpoint([predictionMetricProducer({ registry })]);

  const options = { model, registry };
  const predict = traced(async (x: number) => {
    if (x < 0) throw new Error('negative');
    return { label: 'setosa', confidence: x };
  }, options);
  const predictBatch = traced((rows: number[]) => rows.map((x) => ({ label: 'b', confidence: x })), {
    ...options,
    batch: true,
  });
  await predict(0.95);
  await predict(0.55);
  await predict(-1).catch(() => undefined);
  predictBatch([0.15, 0.25, 0.35]);
});

afterAll(() => endpoint.close());

const modelLabels = { ml_model_name: 'iris-classifier', ml_model_version: '1.4.0' };

test('ml_predictions_total counts by model, version and status on the real /metrics', async () => {
  const { samples, types } = await scrape();
  expect(types.get('ml_predictions_total')).toBe('counter');
  expect(only(samples, 'ml_predictions_total', { ...modelLabels, ml_prediction_status: 'ok' })[0]!.value).toBe(5);
  expect(only(samples, 'ml_predictions_total', { ...modelLabels, ml_prediction_status: 'error' })[0]!.value).toBe(1);
});

test('ml_prediction_duration_seconds is a histogram with seconds buckets from 10 µs to 10 s', async () => {
  const { samples, types } = await scrape();
  expect(types.get('ml_prediction_duration_seconds')).toBe('histogram');
  const buckets = only(samples, 'ml_prediction_duration_seconds_bucket', modelLabels).map((s) => s.labels.le);
  expect(buckets).toEqual([
    '0.00001',
    '0.000025',
    '0.00005',
    '0.0001',
    '0.00025',
    '0.0005',
    '0.001',
    '0.0025',
    '0.005',
    '0.01',
    '0.025',
    '0.05',
    '0.1',
    '0.25',
    '0.5',
    '1',
    '2.5',
    '5',
    '10',
    '+Inf',
  ]);
  expect(only(samples, 'ml_prediction_duration_seconds_count', modelLabels)[0]!.value).toBe(4);
});

test('ml_prediction_confidence is a histogram with buckets 0.1 to 1.0 holding every item', async () => {
  const { samples } = await scrape();
  const buckets = only(samples, 'ml_prediction_confidence_bucket', modelLabels);
  expect(buckets.map((s) => s.labels.le)).toEqual([
    '0.1',
    '0.2',
    '0.3',
    '0.4',
    '0.5',
    '0.6',
    '0.7',
    '0.8',
    '0.9',
    '1',
    '+Inf',
  ]);
  // 0.15, 0.25, 0.35, 0.55, 0.95 — cumulative counts per upper bound.
  expect(buckets.map((s) => s.value)).toEqual([0, 1, 2, 3, 3, 4, 4, 4, 4, 5, 5]);
  expect(only(samples, 'ml_prediction_confidence_sum', modelLabels)[0]!.value).toBeCloseTo(2.25, 12);
});

test('ml_predictions_active is a gauge and ml_prediction_batch_size a histogram', async () => {
  const { samples, types } = await scrape();
  expect(types.get('ml_predictions_active')).toBe('gauge');
  expect(only(samples, 'ml_predictions_active', modelLabels)[0]!.value).toBe(0);
  expect(types.get('ml_prediction_batch_size')).toBe('histogram');
  expect(only(samples, 'ml_prediction_batch_size_sum', modelLabels)[0]!.value).toBe(3);
});

test('labels stay bounded: no prediction ID, trace ID or value ever becomes a label', async () => {
  const { samples } = await scrape();
  const allowed = new Set([
    'ml_model_name',
    'ml_model_version',
    'ml_prediction_status',
    'le',
    'reason',
    'otel_scope_name',
    'otel_scope_version',
  ]);
  for (const sample of samples.filter((s) => s.name.startsWith('ml_'))) {
    for (const key of Object.keys(sample.labels)) expect(allowed).toContain(key);
  }
});

test('totals are cumulative across scrapes', async () => {
  const before = only((await scrape()).samples, 'ml_predictions_total', {
    ...modelLabels,
    ml_prediction_status: 'ok',
  })[0]!.value;
  traced(() => 'x', { model, registry })();
  const after = only((await scrape()).samples, 'ml_predictions_total', {
    ...modelLabels,
    ml_prediction_status: 'ok',
  })[0]!.value;
  expect(after).toBe(before + 1);
});

test('a registry whose totals no reader exports warns once through diag', async () => {
  const warnings: string[] = [];
  diag.setLogger(
    { error: () => {}, warn: (m: string) => warnings.push(m), info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.WARN,
  );
  try {
    const orphan = new PredictionMetricsRegistry();
    orphan.expectProducer(5);
    orphan.expectProducer(5);
    const exported = new PredictionMetricsRegistry();
    predictionMetricProducer({ registry: exported });
    exported.expectProducer(5);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('no MetricReader exports them');
  } finally {
    diag.disable();
  }
});
