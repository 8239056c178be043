import { afterAll, beforeAll, expect, test } from 'vitest';
import { FeedbackTracker } from '../src/feedback/feedback-tracker';
import { predictionRecord } from './support/feedback-metrics';
import { metricsEndpoint, samplesOf as only } from './support/metrics-endpoint';

let endpoint: Awaited<ReturnType<typeof metricsEndpoint>>;
const model = { name: 'recommender', version: '3.1.0' };
const labels = { ml_model_name: 'recommender', ml_model_version: '3.1.0' };

beforeAll(async () => {
  endpoint = await metricsEndpoint();
  const tracker = new FeedbackTracker({
    meter: endpoint.provider.getMeter('@modelsight/core'),
    outcomes: ['conversion', 'purchase'],
  });
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const record = predictionRecord({ model, label: 'a', confidence: 0.9 });
    tracker.onPrediction(record);
    ids.push(record.predictionId);
  }
  tracker.recordOutcome(ids[0]!, 'conversion');
  tracker.recordOutcome(ids[1]!, 'conversion');
  tracker.recordOutcome(ids[1]!, 'conversion');
  tracker.recordOutcome(ids[1]!, 'purchase', 19.99);
  tracker.recordOutcome(ids[2]!, 'purchase', 0.01);
  tracker.recordOutcome(ids[3]!, 'newsletter');
});

afterAll(() => endpoint.close());

test('ml_outcome_total is a counter by model, version and ml_outcome_name on the real /metrics', async () => {
  const { samples, types } = await endpoint.scrape();
  expect(types.get('ml_outcome_total')).toBe('counter');
  expect(only(samples, 'ml_outcome_total', { ...labels, ml_outcome_name: 'conversion' })[0]?.value).toBe(2);
  expect(only(samples, 'ml_outcome_total', { ...labels, ml_outcome_name: 'purchase' })[0]?.value).toBe(2);
});

test('ml_outcome_value_sum is the exact sum of the values under that name', async () => {
  const { samples } = await endpoint.scrape();
  expect(only(samples, 'ml_outcome_value_sum', { ...labels, ml_outcome_name: 'purchase' })[0]?.value).toBe(20);
  expect(only(samples, 'ml_outcome_value_sum', { ...labels, ml_outcome_name: 'conversion' })[0]?.value).toBe(2);
  // No bucket bounds: one +Inf bucket per series, not one line per bound.
  expect(only(samples, 'ml_outcome_value_bucket', { ...labels, ml_outcome_name: 'purchase' })).toHaveLength(1);
});

test('ml_outcome_rejected_total counts by reason, with the name only when it was declared', async () => {
  const { samples, types } = await endpoint.scrape();
  expect(types.get('ml_outcome_rejected_total')).toBe('counter');
  const rejected = only(samples, 'ml_outcome_rejected_total', labels);
  expect(rejected.map((s) => [s.labels.ml_outcome_name, s.labels.reason, s.value])).toEqual(
    expect.arrayContaining([
      ['conversion', 'duplicate', 1],
      [undefined, 'invalid', 1],
    ]),
  );
  expect(rejected).toHaveLength(2);
});
