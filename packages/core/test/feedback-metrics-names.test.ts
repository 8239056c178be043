import { afterAll, beforeAll, expect, test } from 'vitest';
import { FeedbackTracker } from '../src/feedback/feedback-tracker';
import { predictionRecord } from './support/feedback-metrics';
import { metricsEndpoint, samplesOf as only } from './support/metrics-endpoint';

let endpoint: Awaited<ReturnType<typeof metricsEndpoint>>;
const scrape = () => endpoint.scrape();
const classifier = { name: 'iris-classifier', version: '1.4.0' };
const regressor = { name: 'house-prices', version: '2.0.0' };

beforeAll(async () => {
  endpoint = await metricsEndpoint();
  const meter = endpoint.provider.getMeter('@modelsight/core');
  const tracker = new FeedbackTracker({ meter, maxEntries: 3 });
  const outcomes: Array<[string, string]> = [
    ['setosa', 'setosa'],
    ['setosa', 'virginica'],
    ['virginica', 'virginica'],
  ];
  for (const [predicted, actual] of outcomes) {
    const record = predictionRecord({ model: classifier, label: predicted, confidence: 0.75 });
    tracker.onPrediction(record);
    tracker.recordFeedback(record.predictionId, actual);
    tracker.recordFeedback(record.predictionId, actual);
  }
  const house = predictionRecord({ model: regressor, output: 250_000 });
  tracker.onPrediction(house);
  tracker.recordFeedback('unknown-id', 'setosa');
  tracker.recordFeedback('unknown-id', { not: 'a label' } as never);
  tracker.recordFeedback(house.predictionId, 262_500);
  for (let i = 0; i < 5; i++) tracker.onPrediction(predictionRecord({ model: regressor, output: i }));
});

afterAll(() => endpoint.close());

const irisLabels = { ml_model_name: 'iris-classifier', ml_model_version: '1.4.0' };
const houseLabels = { ml_model_name: 'house-prices', ml_model_version: '2.0.0' };

test('ml_feedback_total is a counter by model, version and ml_feedback_outcome on the real /metrics', async () => {
  const { samples, types } = await scrape();
  expect(types.get('ml_feedback_total')).toBe('counter');
  const count = (outcome: string, labels = irisLabels) =>
    only(samples, 'ml_feedback_total', { ...labels, ml_feedback_outcome: outcome })[0]?.value;
  expect(count('correct')).toBe(2);
  expect(count('incorrect')).toBe(1);
  expect(count('duplicate')).toBe(3);
  expect(count('matched', houseLabels)).toBe(1);
});

test('feedback that matches no prediction is counted under unknown while several models are seen', async () => {
  const { samples } = await scrape();
  const unknown = { ml_model_name: 'unknown', ml_model_version: 'unknown' };
  expect(only(samples, 'ml_feedback_total', { ...unknown, ml_feedback_outcome: 'unmatched' })[0]?.value).toBe(1);
  expect(only(samples, 'ml_feedback_total', { ...unknown, ml_feedback_outcome: 'invalid' })[0]?.value).toBe(1);
});

test('ml_prediction_error_absolute is a histogram of the regression errors', async () => {
  const { samples, types } = await scrape();
  expect(types.get('ml_prediction_error_absolute')).toBe('histogram');
  expect(only(samples, 'ml_prediction_error_absolute_sum', houseLabels)[0]?.value).toBe(12_500);
  expect(only(samples, 'ml_prediction_error_absolute_count', houseLabels)[0]?.value).toBe(1);
  const bounds = only(samples, 'ml_prediction_error_absolute_bucket', houseLabels).map((s) => s.labels.le);
  expect(bounds).toEqual([
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
    '25',
    '50',
    '100',
    '250',
    '500',
    '1000',
    '+Inf',
  ]);
});

test('the quality gauges carry the contract names and labels', async () => {
  const { samples, types } = await scrape();
  for (const name of [
    'ml_model_accuracy',
    'ml_model_precision',
    'ml_model_recall',
    'ml_model_f1',
    'ml_model_mae',
    'ml_model_rmse',
    'ml_model_estimated_accuracy',
  ]) {
    expect(types.get(name), name).toBe('gauge');
  }
  expect(only(samples, 'ml_model_accuracy', irisLabels)[0]?.value).toBeCloseTo(2 / 3, 12);
  expect(only(samples, 'ml_model_precision', { ...irisLabels, ml_prediction_label: 'setosa' })[0]?.value).toBe(0.5);
  expect(only(samples, 'ml_model_precision', { ...irisLabels, ml_prediction_label: 'virginica' })[0]?.value).toBe(1);
  expect(only(samples, 'ml_model_recall', { ...irisLabels, ml_prediction_label: 'virginica' })[0]?.value).toBe(0.5);
  expect(only(samples, 'ml_model_f1', { ...irisLabels, ml_prediction_label: 'macro' })[0]?.value).toBeCloseTo(
    2 / 3,
    12,
  );
  expect(only(samples, 'ml_model_estimated_accuracy', irisLabels)[0]?.value).toBe(0.75);
  expect(only(samples, 'ml_model_mae', houseLabels)[0]?.value).toBe(12_500);
  expect(only(samples, 'ml_model_rmse', houseLabels)[0]?.value).toBe(12_500);
});

test('the store metrics show pending predictions and those dropped without feedback', async () => {
  const { samples, types } = await scrape();
  expect(types.get('ml_feedback_pending')).toBe('gauge');
  expect(types.get('ml_feedback_pending_dropped_total')).toBe('counter');
  // maxEntries 3: the five last regression predictions pushed out two of themselves.
  expect(only(samples, 'ml_feedback_pending', houseLabels)[0]?.value).toBe(3);
  expect(only(samples, 'ml_feedback_pending_dropped_total', { ...houseLabels, reason: 'evicted' })[0]?.value).toBe(2);
  expect(only(samples, 'ml_feedback_pending_dropped_total', { ...houseLabels, reason: 'expired' })[0]?.value).toBe(0);
});

test('no feedback metric carries a prediction ID, trace ID or raw value as a label', async () => {
  const { samples } = await scrape();
  const allowed = new Set([
    'ml_model_name',
    'ml_model_version',
    'ml_feedback_outcome',
    'ml_prediction_label',
    'reason',
    'le',
    'otel_scope_name',
    'otel_scope_version',
  ]);
  for (const sample of samples.filter((s) => /^ml_(feedback|model|prediction_error)/.test(s.name))) {
    for (const label of Object.keys(sample.labels)) expect(allowed, `${sample.name} ${label}`).toContain(label);
  }
});
