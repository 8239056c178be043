import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { FeedbackTracker } from '../src/feedback/feedback-tracker';
import { collectedMetrics, predictionRecord } from './support/feedback-metrics';

// Data and expected values come from fixtures/feedback-quality.py (plain Python, definitions inside
// the JSON); null stands for NaN (a precision of a class that was never predicted, say).
interface Scores {
  precision: number | null;
  recall: number | null;
  f1: number | null;
}
interface Fixture {
  classes: string[];
  classification: Array<{ predicted: string; actual: string; confidence: number }>;
  regression: Array<{ predicted: number; actual: number }>;
  expected: {
    classification: Record<
      string,
      { accuracy: number; classes: Record<string, Scores>; macro: Scores; estimatedAccuracy: number }
    >;
    regression: Record<string, { mae: number; rmse: number }>;
  };
}
const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'feedback-quality.json'), 'utf8')) as Fixture;
const model = { name: 'iris', version: '2.0.0' };
const classAttributes = (label: string) => ({
  'ml.model.name': 'iris',
  'ml.model.version': '2.0.0',
  'ml.prediction.label': label,
});

function expectClose(actual: number | undefined, expected: number | null): void {
  if (expected === null) expect(actual).toBeNaN();
  else expect(actual).toBeCloseTo(expected, 12);
}

function classifierWithFeedback(windowSize: number) {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, windowSize });
  for (const { predicted, actual, confidence } of fixture.classification) {
    const record = predictionRecord({ model, label: predicted, confidence, output: { label: predicted, confidence } });
    tracker.onPrediction(record);
    tracker.recordFeedback(record.predictionId, actual);
  }
  return metrics;
}

function regressorWithFeedback(windowSize: number) {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, windowSize });
  for (const { predicted, actual } of fixture.regression) {
    const record = predictionRecord({ model, output: predicted });
    tracker.onPrediction(record);
    tracker.recordFeedback(record.predictionId, actual);
  }
  return metrics;
}

for (const window of ['1000', '25']) {
  const expected = fixture.expected.classification[window]!;

  test(`accuracy over a window of ${window} equals the independently computed value`, async () => {
    const metrics = classifierWithFeedback(Number(window));
    expectClose(await metrics.value('ml_model_accuracy', { 'ml.model.name': 'iris' }), expected.accuracy);
  });

  test(`precision, recall and F1 per class over a window of ${window} equal the independently computed values`, async () => {
    const metrics = classifierWithFeedback(Number(window));
    for (const [label, scores] of Object.entries(expected.classes)) {
      expectClose(await metrics.value('ml_model_precision', classAttributes(label)), scores.precision);
      expectClose(await metrics.value('ml_model_recall', classAttributes(label)), scores.recall);
      expectClose(await metrics.value('ml_model_f1', classAttributes(label)), scores.f1);
    }
  });

  test(`macro-averaged precision, recall and F1 over a window of ${window} equal the independently computed values`, async () => {
    const metrics = classifierWithFeedback(Number(window));
    expectClose(await metrics.value('ml_model_precision', classAttributes('macro')), expected.macro.precision);
    expectClose(await metrics.value('ml_model_recall', classAttributes('macro')), expected.macro.recall);
    expectClose(await metrics.value('ml_model_f1', classAttributes('macro')), expected.macro.f1);
  });

  test(`estimated accuracy over a window of ${window} is the mean confidence of the last predictions`, async () => {
    const metrics = classifierWithFeedback(Number(window));
    expectClose(
      await metrics.value('ml_model_estimated_accuracy', { 'ml.model.name': 'iris' }),
      expected.estimatedAccuracy,
    );
  });

  test(`MAE and RMSE over a window of ${window} equal the independently computed values`, async () => {
    const metrics = regressorWithFeedback(Number(window));
    const regression = fixture.expected.regression[window]!;
    expectClose(await metrics.value('ml_model_mae', { 'ml.model.name': 'iris' }), regression.mae);
    expectClose(await metrics.value('ml_model_rmse', { 'ml.model.name': 'iris' }), regression.rmse);
  });
}

test('the fixture exercises a class that is never predicted, so that an undefined precision is checked', () => {
  expect(fixture.expected.classification['1000']!.classes.rare!.precision).toBeNull();
  expect(fixture.classification.some((pair) => pair.predicted === 'rare')).toBe(false);
});

test('the absolute errors of regression feedback land in ml_prediction_error_absolute', async () => {
  const metrics = regressorWithFeedback(1000);
  const histogram = await metrics.histogram('ml_prediction_error_absolute', { 'ml.model.name': 'iris' });
  const errors = fixture.regression.map(({ predicted, actual }) => Math.abs(predicted - actual));
  expect(histogram?.count).toBe(errors.length);
  expect(histogram?.sum).toBeCloseTo(
    errors.reduce((a, b) => a + b, 0),
    9,
  );
});

test('a class outside the window reports NaN, not a stale value', async () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, windowSize: 2 });
  const feed = (label: string, actual: string) => {
    const record = predictionRecord({ model, label, confidence: 0.9 });
    tracker.onPrediction(record);
    tracker.recordFeedback(record.predictionId, actual);
  };
  feed('cat', 'cat');
  expect(await metrics.value('ml_model_precision', classAttributes('cat'))).toBe(1);
  feed('dog', 'dog');
  feed('dog', 'dog');
  expect(await metrics.value('ml_model_precision', classAttributes('cat'))).toBeNaN();
  expect(await metrics.value('ml_model_precision', classAttributes('dog'))).toBe(1);
  expect(await metrics.value('ml_model_precision', classAttributes('macro'))).toBe(1);
});
