import { beforeEach, expect, test } from 'vitest';
import { FeedbackTracker } from '../src/feedback/feedback-tracker';
import { METRIC_ML_FEEDBACK } from '../src/feedback/feedback-semconv';
import type { FeedbackOutcome } from '../src/feedback/types';
import { collectedMetrics, predictionRecord } from './support/feedback-metrics';
import { captureDiag } from '@modelsight/test-support';

const diagnostics = captureDiag();
beforeEach(() => diagnostics.reset());

const iris = { name: 'iris', version: '1.0.0' };
const outcomeCount = (metrics: ReturnType<typeof collectedMetrics>, outcome: FeedbackOutcome, model = iris) =>
  metrics.value(METRIC_ML_FEEDBACK, {
    'ml.model.name': model.name,
    'ml.model.version': model.version,
    'ml.feedback.outcome': outcome,
  });

function classifier(options: ConstructorParameters<typeof FeedbackTracker>[0] = {}) {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, ...options });
  const predict = (label: string, overrides = {}) => {
    const record = predictionRecord({
      model: iris,
      label,
      confidence: 0.8,
      output: { label, confidence: 0.8 },
      ...overrides,
    });
    tracker.onPrediction(record);
    return record;
  };
  return { metrics, tracker, predict };
}

function regressor() {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter });
  const predict = (value: number) => {
    const record = predictionRecord({ model: iris, output: value });
    tracker.onPrediction(record);
    return record;
  };
  return { metrics, tracker, predict };
}

test('feedback equal to the predicted label is correct and counted', async () => {
  const { metrics, tracker, predict } = classifier();
  expect(tracker.recordFeedback(predict('setosa').predictionId, 'setosa')).toBe('correct');
  expect(await outcomeCount(metrics, 'correct')).toBe(1);
});

test('feedback different from the predicted label is incorrect and counted', async () => {
  const { metrics, tracker, predict } = classifier();
  expect(tracker.recordFeedback(predict('setosa').predictionId, 'virginica')).toBe('incorrect');
  expect(await outcomeCount(metrics, 'incorrect')).toBe(1);
  expect(await metrics.value('ml_model_accuracy', { 'ml.model.name': 'iris' })).toBe(0);
});

test('a numeric true class matches a numeric-string label', async () => {
  const { tracker, predict } = classifier({ task: 'classification' });
  expect(tracker.recordFeedback(predict('1').predictionId, 1)).toBe('correct');
  expect(tracker.recordFeedback(predict('2').predictionId, 3)).toBe('incorrect');
});

test('regression feedback is matched and its absolute error recorded', async () => {
  const { metrics, tracker, predict } = regressor();
  expect(tracker.recordFeedback(predict(10).predictionId, 12.5)).toBe('matched');
  expect(await outcomeCount(metrics, 'matched')).toBe(1);
  expect(await outcomeCount(metrics, 'correct')).toBeUndefined();
  const histogram = await metrics.histogram('ml_prediction_error_absolute', { 'ml.model.name': 'iris' });
  expect(histogram?.sum).toBe(2.5);
  expect(await metrics.value('ml_model_mae', { 'ml.model.name': 'iris' })).toBe(2.5);
});

test('feedback for an unknown prediction ID is unmatched, counted, reported once, not thrown', async () => {
  const { metrics, tracker, predict } = classifier();
  predict('setosa');
  expect(tracker.recordFeedback('no-such-id', 'setosa')).toBe('unmatched');
  expect(tracker.recordFeedback('no-such-id-either', 'setosa')).toBe('unmatched');
  expect(await outcomeCount(metrics, 'unmatched')).toBe(2);
  expect(diagnostics.warnings.filter((w) => w.includes('matches no remembered prediction'))).toHaveLength(1);
});

test('a second feedback for the same prediction is a duplicate and does not change the accuracy', async () => {
  const { metrics, tracker, predict } = classifier();
  const { predictionId } = predict('setosa');
  expect(tracker.recordFeedback(predictionId, 'setosa')).toBe('correct');
  expect(tracker.recordFeedback(predictionId, 'virginica')).toBe('duplicate');
  expect(tracker.recordFeedback(predictionId, 'virginica')).toBe('duplicate');
  expect(await outcomeCount(metrics, 'duplicate')).toBe(2);
  expect(await metrics.value('ml_model_accuracy', { 'ml.model.name': 'iris' })).toBe(1);
  expect(diagnostics.warnings.filter((w) => w.includes('second feedback'))).toHaveLength(1);
});

test('a true outcome of the wrong type is invalid, counted under the prediction model, and the prediction stays joinable', async () => {
  const { metrics, tracker, predict } = classifier();
  const { predictionId } = predict('setosa');
  for (const bad of [{ label: 'setosa' }, Number.NaN, Infinity, null, undefined, true, '', ['setosa']]) {
    expect(tracker.recordFeedback(predictionId, bad as never)).toBe('invalid');
  }
  expect(await outcomeCount(metrics, 'invalid')).toBe(8);
  expect(tracker.recordFeedback(predictionId, 'setosa')).toBe('correct');
  expect(diagnostics.warnings.filter((w) => w.includes('got'))).toHaveLength(1);
});

test('a string true outcome for a regression model is invalid', async () => {
  const { metrics, tracker, predict } = regressor();
  const { predictionId } = predict(3);
  expect(tracker.recordFeedback(predictionId, 'three')).toBe('invalid');
  expect(tracker.recordFeedback(predictionId, '3')).toBe('invalid');
  expect(await outcomeCount(metrics, 'invalid')).toBe(2);
  expect(diagnostics.warnings.some((w) => w.includes('regression model iris 1.0.0 needs a finite number'))).toBe(true);
  expect(tracker.recordFeedback(predictionId, 3)).toBe('matched');
});

test('a prediction ID that is not a non-empty string is invalid, not thrown', async () => {
  const { metrics, tracker, predict } = classifier();
  predict('setosa');
  for (const bad of [undefined, null, 42, '', {}])
    expect(tracker.recordFeedback(bad as never, 'setosa')).toBe('invalid');
  expect(await outcomeCount(metrics, 'invalid')).toBe(5);
});

test('feedback by trace ID joins the only prediction of that trace', async () => {
  const { tracker, predict } = classifier();
  const record = predict('setosa');
  expect(tracker.recordFeedbackByTraceId(record.traceId!, 'setosa')).toBe('correct');
  expect(tracker.recordFeedbackByTraceId(record.traceId!, 'setosa')).toBe('duplicate');
});

test('feedback by trace ID accepts the trace ID in upper case', () => {
  const { tracker, predict } = classifier();
  const record = predict('setosa', { traceId: 'abcdef0123456789abcdef0123456789' });
  expect(tracker.recordFeedbackByTraceId(record.traceId!.toUpperCase(), 'setosa')).toBe('correct');
});

test('feedback by trace ID for a trace with several predictions is unmatched and reported', async () => {
  const { metrics, tracker, predict } = classifier();
  const traceId = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
  const first = predict('setosa', { traceId, predictionId: 'batch-1.0' });
  predict('virginica', { traceId, predictionId: 'batch-1.1' });
  expect(tracker.recordFeedbackByTraceId(traceId, 'setosa')).toBe('unmatched');
  expect(await outcomeCount(metrics, 'unmatched')).toBe(1);
  expect(diagnostics.warnings.some((w) => w.includes('made several predictions'))).toBe(true);
  expect(tracker.recordFeedback(first.predictionId, 'setosa')).toBe('correct');
});

test('feedback by an unknown or invalid trace ID is counted, not thrown', async () => {
  const { metrics, tracker, predict } = classifier();
  predict('setosa');
  expect(tracker.recordFeedbackByTraceId('ffffffffffffffffffffffffffffffff', 'setosa')).toBe('unmatched');
  expect(tracker.recordFeedbackByTraceId(undefined as never, 'setosa')).toBe('invalid');
  expect(tracker.recordFeedbackByTraceId('ffffffffffffffffffffffffffffffff', { bad: 1 } as never)).toBe('invalid');
  expect(await outcomeCount(metrics, 'unmatched')).toBe(1);
  expect(await outcomeCount(metrics, 'invalid')).toBe(2);
});

test('predictions without a sampled span (all-zero or absent trace ID) are joinable by prediction ID only', () => {
  const { tracker, predict } = classifier();
  const zeros = predict('setosa', { traceId: '00000000000000000000000000000000' });
  const none = predict('setosa', { traceId: undefined });
  expect(tracker.recordFeedbackByTraceId('00000000000000000000000000000000', 'setosa')).toBe('unmatched');
  expect(tracker.recordFeedback(zeros.predictionId, 'setosa')).toBe('correct');
  expect(tracker.recordFeedback(none.predictionId, 'setosa')).toBe('correct');
});

test('failed predictions are not remembered, so feedback for them is unmatched', () => {
  const { tracker } = classifier();
  const record = predictionRecord({ model: iris, status: 'error' });
  tracker.onPrediction(record);
  expect(tracker.recordFeedback(record.predictionId, 'setosa')).toBe('unmatched');
});

test('unmatched feedback is counted under the pinned model even before its first prediction', async () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, model: { name: 'churn', version: '3' } });
  expect(tracker.recordFeedback('from-before-the-restart', 'yes')).toBe('unmatched');
  expect(await outcomeCount(metrics, 'unmatched', { name: 'churn', version: '3' })).toBe(1);
});

test('a tracker pinned to one model ignores predictions of another, and says so once', () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, model: { name: 'churn', version: '3' } });
  const record = predictionRecord({ model: iris, label: 'setosa' });
  tracker.onPrediction(record);
  tracker.onPrediction(predictionRecord({ model: iris, label: 'setosa' }));
  expect(tracker.recordFeedback(record.predictionId, 'setosa')).toBe('unmatched');
  expect(diagnostics.warnings.filter((w) => w.includes('ignores predictions of iris 1.0.0'))).toHaveLength(1);
});

test('unmatched feedback is counted under the only model seen, or under unknown when there are several', async () => {
  const { metrics, tracker, predict } = classifier();
  predict('setosa');
  tracker.recordFeedback('missing-1', 'setosa');
  expect(await outcomeCount(metrics, 'unmatched')).toBe(1);
  tracker.onPrediction(predictionRecord({ model: { name: 'other', version: '1' }, label: 'x' }));
  tracker.recordFeedback('missing-2', 'setosa');
  expect(await outcomeCount(metrics, 'unmatched', { name: 'unknown', version: 'unknown' })).toBe(1);
});

test('feedback is tracked per model version', async () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter });
  const v1 = predictionRecord({ model: { name: 'iris', version: '1' }, label: 'a', confidence: 0.9 });
  const v2 = predictionRecord({ model: { name: 'iris', version: '2' }, label: 'a', confidence: 0.9 });
  tracker.onPrediction(v1);
  tracker.onPrediction(v2);
  tracker.recordFeedback(v1.predictionId, 'a');
  tracker.recordFeedback(v2.predictionId, 'b');
  expect(await metrics.value('ml_model_accuracy', { 'ml.model.version': '1' })).toBe(1);
  expect(await metrics.value('ml_model_accuracy', { 'ml.model.version': '2' })).toBe(0);
});

test('a prediction whose label cannot be found is not remembered, and this is reported once', () => {
  const { tracker } = classifier({ task: 'classification' });
  const record = predictionRecord({ model: iris, label: undefined, output: { something: 1 } });
  tracker.onPrediction(record);
  tracker.onPrediction(predictionRecord({ model: iris, label: undefined }));
  expect(tracker.size).toBe(0);
  expect(diagnostics.warnings.filter((w) => w.includes('has no label'))).toHaveLength(1);
});

test('an observer call with a malformed record never throws', () => {
  const { tracker } = classifier();
  expect(() => tracker.onPrediction(null as never)).not.toThrow();
  expect(() => tracker.onPrediction({} as never)).not.toThrow();
  expect(() => tracker.onPrediction(predictionRecord({ model: null as never }))).not.toThrow();
});

test('a throwing value extractor is reported once and the prediction is skipped', () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({
    meter: metrics.meter,
    task: 'regression',
    value: () => {
      throw new Error('boom');
    },
  });
  const record = predictionRecord({ model: iris, output: { y: 1 } });
  tracker.onPrediction(record);
  tracker.onPrediction(predictionRecord({ model: iris, output: { y: 2 } }));
  expect(tracker.recordFeedback(record.predictionId, 1)).toBe('unmatched');
  expect(diagnostics.warnings.filter((w) => w.includes('value extractor threw'))).toHaveLength(1);
});

test('a custom value extractor finds the predicted number', () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({
    meter: metrics.meter,
    task: 'regression',
    value: (o) => (o as { y: number }).y,
  });
  const record = predictionRecord({ model: iris, output: { y: 4 } });
  tracker.onPrediction(record);
  expect(tracker.recordFeedback(record.predictionId, 5)).toBe('matched');
});

test('a non-finite confidence is left out of the estimated accuracy', async () => {
  const { metrics, predict } = classifier();
  predict('setosa', { confidence: 0.6 });
  predict('setosa', { confidence: Number.NaN });
  predict('setosa', { confidence: Number.POSITIVE_INFINITY });
  expect(await metrics.value('ml_model_estimated_accuracy', { 'ml.model.name': 'iris' })).toBe(0.6);
});
