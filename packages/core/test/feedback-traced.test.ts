import { afterEach, expect, test } from 'vitest';
import { FeedbackTracker } from '../src/feedback/feedback-tracker';
import { METRIC_ML_FEEDBACK } from '../src/feedback/feedback-semconv';
import { traced } from '../src/index';
import { collectedMetrics } from './support/feedback-metrics';
import { memoryTracing, uniqueModel } from '@modelsight/test-support';

const tracing = memoryTracing();
afterEach(() => tracing.reset());

test('feedback by the prediction ID that traced() returns joins the prediction', async () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter });
  const model = uniqueModel('iris');
  const predict = traced(async (x: number) => ({ label: x > 1 ? 'virginica' : 'setosa', probabilities: [0.8, 0.2] }), {
    model,
    tracer: tracing.tracer,
    observers: [tracker],
  });
  const { prediction } = await predict.withPrediction(2);
  expect(tracker.recordFeedback(prediction.predictionId, 'virginica')).toBe('correct');
  expect(
    await metrics.value(METRIC_ML_FEEDBACK, { 'ml.model.name': model.name, 'ml.feedback.outcome': 'correct' }),
  ).toBe(1);
  expect(await metrics.value('ml_model_estimated_accuracy', { 'ml.model.name': model.name })).toBe(0.8);
});

test('the prediction ID on the span is the key for feedback', () => {
  const tracker = new FeedbackTracker({ meter: collectedMetrics().meter });
  const model = uniqueModel('iris');
  const predict = traced((x: number) => ({ label: String(x), confidence: 0.9 }), {
    model,
    tracer: tracing.tracer,
    observers: [tracker],
  });
  predict(7);
  const predictionId = tracing.spanNamed(`predict ${model.name}`).attributes['ml.prediction.id'] as string;
  expect(tracker.recordFeedback(predictionId, 7)).toBe('correct');
});

test('feedback by trace ID joins the only prediction of a request', () => {
  const tracker = new FeedbackTracker({ meter: collectedMetrics().meter });
  const predict = traced((x: number) => x * 2, {
    model: uniqueModel('doubler'),
    tracer: tracing.tracer,
    observers: [tracker],
  });
  const { prediction } = predict.withPrediction(21);
  expect(tracker.recordFeedbackByTraceId(prediction.traceId, 40)).toBe('matched');
});

test('batch items are joined by their item IDs, and not by the shared trace ID', () => {
  const tracker = new FeedbackTracker({ meter: collectedMetrics().meter });
  const predict = traced((rows: string[]) => rows.map((row) => ({ label: row, confidence: 0.5 })), {
    model: uniqueModel('batch'),
    tracer: tracing.tracer,
    batch: true,
    observers: [tracker],
  });
  const { prediction } = predict.withPrediction(['a', 'b', 'c']);
  expect(prediction.itemIds).toHaveLength(3);
  expect(tracker.recordFeedback(prediction.itemIds[1]!, 'b')).toBe('correct');
  expect(tracker.recordFeedback(prediction.itemIds[2]!, 'a')).toBe('incorrect');
  expect(tracker.recordFeedbackByTraceId(prediction.traceId, 'a')).toBe('unmatched');
});

test('without a sampled span the prediction is still joinable by its prediction ID', () => {
  const unsampled = memoryTracing({ sampled: false });
  const tracker = new FeedbackTracker({ meter: collectedMetrics().meter });
  const predict = traced(() => ({ label: 'x', confidence: 1 }), {
    model: uniqueModel(),
    tracer: unsampled.tracer,
    observers: [tracker],
  });
  const { prediction } = predict.withPrediction();
  expect(tracker.recordFeedback(prediction.predictionId, 'x')).toBe('correct');
  expect(tracker.recordFeedbackByTraceId(prediction.traceId, 'x')).toBe('duplicate');
});
