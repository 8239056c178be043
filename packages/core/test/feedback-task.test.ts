import { beforeEach, expect, test } from 'vitest';
import { traced } from '../src/index';
import { FeedbackTracker } from '../src/feedback/feedback-tracker';
import { inferTask } from '../src/feedback/task-inference';
import { collectedMetrics, predictionRecord } from './support/feedback-metrics';
import { captureDiag } from '@modelsight/test-support';

const diagnostics = captureDiag();
beforeEach(() => diagnostics.reset());

test('a prediction with a confidence is a classification', () => {
  expect(inferTask(predictionRecord({ label: '3', confidence: 0.7, output: { prediction: 3, score: 0.7 } }))).toBe(
    'classification',
  );
});

test('a prediction with a non-numeric label is a classification', () => {
  expect(inferTask(predictionRecord({ label: 'spam', output: 'spam' }))).toBe('classification');
});

test('a numeric label found on label, class or probabilities is a classification', () => {
  expect(inferTask(predictionRecord({ label: '1', output: { label: 1 } }))).toBe('classification');
  expect(inferTask(predictionRecord({ label: '1', output: { class: 1 } }))).toBe('classification');
});

test('a bare number is a regression', () => {
  expect(inferTask(predictionRecord({ output: 231.5 }))).toBe('regression');
});

test('a numeric prediction without a confidence is a regression', () => {
  expect(inferTask(predictionRecord({ label: '3.7', output: { prediction: 3.7 } }))).toBe('regression');
  expect(inferTask(predictionRecord({ output: { value: 12 } }))).toBe('regression');
});

test('an output that tells nothing leaves the task open', () => {
  expect(inferTask(predictionRecord({ output: { foo: 'bar' } }))).toBeUndefined();
});

test('the inferred task decides how feedback is compared', () => {
  const tracker = new FeedbackTracker({ meter: collectedMetrics().meter });
  const classified = predictionRecord({
    model: { name: 'a', version: '1' },
    label: 'cat',
    confidence: 0.6,
    output: { label: 'cat' },
  });
  const regressed = predictionRecord({ model: { name: 'b', version: '1' }, label: '3.7', output: { prediction: 3.7 } });
  tracker.onPrediction(classified);
  tracker.onPrediction(regressed);
  expect(tracker.recordFeedback(classified.predictionId, 'cat')).toBe('correct');
  expect(tracker.recordFeedback(regressed.predictionId, 4)).toBe('matched');
});

test('the task option wins over inference', async () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, task: 'classification' });
  const record = predictionRecord({ label: '3', output: { prediction: 3 } });
  tracker.onPrediction(record);
  expect(tracker.recordFeedback(record.predictionId, 3)).toBe('correct');
  expect(await metrics.value('ml_model_mae')).toBeUndefined();
});

test('a task given on the prediction record wins over inference', () => {
  const tracker = new FeedbackTracker({ meter: collectedMetrics().meter });
  const record = predictionRecord({ label: '3', output: { prediction: 3 }, task: 'classification' });
  tracker.onPrediction(record);
  expect(tracker.recordFeedback(record.predictionId, 3)).toBe('correct');
});

test('per-class series are bounded by the labels option; other classes count in accuracy only', async () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, labels: ['cat', 'dog'] });
  for (const [predicted, actual] of [
    ['cat', 'cat'],
    ['dog', 'cat'],
    ['bird', 'bird'],
    ['cat', 'fish'],
  ]) {
    const record = predictionRecord({ label: predicted, confidence: 0.5 });
    tracker.onPrediction(record);
    tracker.recordFeedback(record.predictionId, actual!);
  }
  const labels = new Set(
    (await metrics.points())
      .filter((p) => p.name === 'ml_model_precision')
      .map((p) => p.attributes['ml.prediction.label']),
  );
  expect(labels).toEqual(new Set(['cat', 'dog', 'macro']));
  expect(await metrics.value('ml_model_accuracy')).toBe(0.5);
  // cat: TP 1, FP 1 (predicted cat, was fish), FN 1 (predicted dog, was cat).
  expect(await metrics.value('ml_model_precision', { 'ml.prediction.label': 'cat' })).toBe(0.5);
  expect(await metrics.value('ml_model_recall', { 'ml.prediction.label': 'cat' })).toBe(0.5);
  expect(diagnostics.warnings.filter((w) => w.includes("is not one of the tracker's labels"))).toHaveLength(1);
});

test('without labels, only the first maxClasses distinct classes get series, and the overflow is reported once', async () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, maxClasses: 3, task: 'classification' });
  for (let i = 0; i < 20; i++) {
    const record = predictionRecord({ label: `class-${i}` });
    tracker.onPrediction(record);
    tracker.recordFeedback(record.predictionId, `class-${i}`);
  }
  const series = (await metrics.points()).filter((p) => p.name === 'ml_model_f1');
  expect(series).toHaveLength(4);
  expect(await metrics.value('ml_model_accuracy')).toBe(1);
  expect(diagnostics.warnings.filter((w) => w.includes('more than maxClasses (3)'))).toHaveLength(1);
});

test('a true class longer than 128 characters gets no series of its own and takes no class slot', async () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, maxClasses: 2, task: 'classification' });
  const feed = (predicted: string, actual: string) => {
    const record = predictionRecord({ label: predicted });
    tracker.onPrediction(record);
    return tracker.recordFeedback(record.predictionId, actual);
  };
  const sentence = 'x'.repeat(129);
  expect(feed('cat', sentence)).toBe('incorrect');
  expect(feed('dog', 'dog')).toBe('correct');
  const labels = (await metrics.points())
    .filter((p) => p.name === 'ml_model_f1')
    .map((p) => p.attributes['ml.prediction.label']);
  expect(labels.sort()).toEqual(['cat', 'dog', 'macro']);
  expect(await metrics.value('ml_model_accuracy')).toBe(0.5);
  expect(diagnostics.warnings.filter((w) => w.includes('is longer than 128 characters'))).toHaveLength(1);
});

test('estimated accuracy is reported before any feedback arrives', async () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter });
  tracker.onPrediction(predictionRecord({ label: 'a', confidence: 0.6 }));
  tracker.onPrediction(predictionRecord({ label: 'b', confidence: 0.8 }));
  expect(await metrics.value('ml_model_estimated_accuracy')).toBeCloseTo(0.7, 12);
  expect(await metrics.value('ml_model_accuracy')).toBeUndefined();
});

test('regression models report no estimated accuracy', async () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, task: 'regression' });
  tracker.onPrediction(predictionRecord({ output: 4, confidence: 0.9 }));
  expect(await metrics.value('ml_model_estimated_accuracy')).toBeUndefined();
});

test('shutdown stops the gauges', async () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter });
  tracker.onPrediction(predictionRecord({ label: 'a', confidence: 0.6 }));
  expect(await metrics.value('ml_model_estimated_accuracy')).toBe(0.6);
  tracker.shutdown();
  tracker.onPrediction(predictionRecord({ label: 'a', confidence: 0.2 }));
  const pointsAfter = (await metrics.points()).filter((p) => p.name === 'ml_model_estimated_accuracy');
  expect(pointsAfter.map((p) => p.value)).not.toContain(0.4);
});

test('the task option of traced() reaches the tracker', () => {
  const tracker = new FeedbackTracker({ meter: collectedMetrics().meter });
  // { prediction: 2 } without a confidence would be inferred as regression; the option says it is a class.
  const predict = traced(() => ({ prediction: 2 }), {
    model: { name: 'digits', version: '1' },
    task: 'classification',
    observers: [tracker],
  });
  const { prediction } = predict.withPrediction();
  expect(tracker.recordFeedback(prediction.predictionId, 2)).toBe('correct');
});

test('whole-number labels named by classes make traced() predictions a classification', () => {
  const tracker = new FeedbackTracker({ meter: collectedMetrics().meter });
  const predict = traced(() => [1], {
    model: { name: 'ranked', version: '1' },
    classes: ['0', '1', '2'],
    observers: [tracker],
  });
  const { prediction } = predict.withPrediction();
  expect(tracker.recordFeedback(prediction.predictionId, 1)).toBe('correct');
});

test('whole-number labels from a label extractor make traced() predictions a classification', () => {
  const tracker = new FeedbackTracker({ meter: collectedMetrics().meter });
  const predict = traced(() => ({ digit: 7 }), {
    model: { name: 'mnist', version: '1' },
    label: (r) => r.digit,
    observers: [tracker],
  });
  const { prediction } = predict.withPrediction();
  expect(tracker.recordFeedback(prediction.predictionId, 'seven')).toBe('incorrect');
});

test('a label extractor giving fractions leaves the task to inference: regression', () => {
  const tracker = new FeedbackTracker({ meter: collectedMetrics().meter });
  const predict = traced(() => ({ price: 3.5 }), {
    model: { name: 'price', version: '1' },
    label: (r) => r.price,
    observers: [tracker],
  });
  const { prediction } = predict.withPrediction();
  expect(tracker.recordFeedback(prediction.predictionId, 3)).toBe('matched');
});

test('class feedback for a model taken for regression is invalid, and the warning names the task option', () => {
  const tracker = new FeedbackTracker({ meter: collectedMetrics().meter });
  const predict = traced(() => ({ prediction: 2 }), {
    model: { name: 'digits-untold', version: '1' },
    observers: [tracker],
  });
  const { prediction } = predict.withPrediction();
  expect(tracker.recordFeedback(prediction.predictionId, 'two')).toBe('invalid');
  const warning = diagnostics.warnings.find((w) => w.includes('needs a finite number'));
  expect(warning).toContain("if digits-untold is a classifier, give traced() `task: 'classification'` or `classes`");
});
