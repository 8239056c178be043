import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { FeedbackTracker } from '../src/feedback/feedback-tracker';
import {
  METRIC_ML_FEEDBACK,
  METRIC_ML_FEEDBACK_PENDING,
  METRIC_ML_FEEDBACK_PENDING_DROPPED,
} from '../src/feedback/feedback-semconv';
import type { PredictionRecord } from '../src/index';
import { collectedMetrics } from './support/feedback-metrics';
import { captureDiag } from '@modelsight/test-support';

const diagnostics = captureDiag();
beforeEach(() => {
  diagnostics.reset();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

const model = { name: 'iris', version: '1.0.0' };
const MILLION = 1_000_000;

/** One mutable record reused for every prediction, as cheap as a bare loop can make it. */
function feeder(tracker: FeedbackTracker) {
  const record = {
    model,
    predictionId: '',
    traceId: undefined as string | undefined,
    status: 'ok',
    label: 'setosa',
    confidence: 0.9,
    output: undefined,
    features: undefined,
    durationSeconds: 0,
    endTime: 0,
  };
  return (id: string, traceId?: string) => {
    record.predictionId = id;
    record.traceId = traceId;
    tracker.onPrediction(record as PredictionRecord);
  };
}

const dropped = (metrics: ReturnType<typeof collectedMetrics>, reason: string) =>
  metrics.value(METRIC_ML_FEEDBACK_PENDING_DROPPED, { 'ml.model.name': 'iris', reason });
const pending = (metrics: ReturnType<typeof collectedMetrics>) =>
  metrics.value(METRIC_ML_FEEDBACK_PENDING, { 'ml.model.name': 'iris' });

test('a million predictions without feedback never make the store hold more than maxEntries, and every eviction is counted', async () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, maxEntries: 10_000 });
  const predict = feeder(tracker);
  let largest = 0;
  for (let i = 0; i < MILLION; i++) {
    predict(`p${i}`, `t${i}`);
    if (tracker.size > largest) largest = tracker.size;
  }
  expect(largest).toBe(10_000);
  expect(await dropped(metrics, 'evicted')).toBe(MILLION - 10_000);
  expect(await dropped(metrics, 'expired')).toBe(0);
  expect(await pending(metrics)).toBe(10_000);
  expect(tracker.recordFeedback('p0', 'setosa')).toBe('unmatched');
  expect(tracker.recordFeedback(`p${MILLION - 1}`, 'setosa')).toBe('correct');
  expect(tracker.recordFeedbackByTraceId(`t${MILLION - 2}`, 'setosa')).toBe('correct');
});

test('a million predictions over hours expire after ttlMs, and every expiry is counted', async () => {
  const metrics = collectedMetrics();
  const ttlMs = 60_000;
  const tracker = new FeedbackTracker({ meter: metrics.meter, maxEntries: MILLION, ttlMs });
  const predict = feeder(tracker);
  const start = Date.now();
  let largest = 0;
  // 1000 predictions per simulated second for 1000 seconds: at most 2 × 60 s of them are remembered.
  for (let i = 0; i < MILLION; i++) {
    if (i % 1000 === 0) vi.setSystemTime(start + i);
    predict(`p${i}`);
    if (tracker.size > largest) largest = tracker.size;
  }
  expect(largest).toBeLessThanOrEqual(2 * 60 * 1000 + 1000);
  expect(largest).toBeGreaterThanOrEqual(2 * 60 * 1000);
  vi.setSystemTime(start + MILLION + ttlMs);
  // Every prediction is older than ttlMs now; collecting sweeps the store.
  expect(await dropped(metrics, 'expired')).toBe(MILLION);
  expect(await dropped(metrics, 'evicted')).toBe(0);
  expect(await pending(metrics)).toBe(0);
});

test('feedback after ttlMs is counted as expired and not used for the quality gauges', async () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, ttlMs: 1000 });
  const predict = feeder(tracker);
  predict('late');
  predict('on-time');
  expect(tracker.recordFeedback('on-time', 'setosa')).toBe('correct');
  vi.advanceTimersByTime(1500);
  expect(tracker.recordFeedback('late', 'virginica')).toBe('expired');
  expect(tracker.recordFeedback('late', 'virginica')).toBe('duplicate');
  expect(tracker.recordFeedback('on-time', 'setosa')).toBe('duplicate');
  expect(await metrics.value(METRIC_ML_FEEDBACK, { 'ml.feedback.outcome': 'expired' })).toBe(1);
  expect(await metrics.value('ml_model_accuracy', { 'ml.model.name': 'iris' })).toBe(1);
  expect(await dropped(metrics, 'expired')).toBe(1);
  expect(diagnostics.warnings.filter((w) => w.includes('came after ttlMs'))).toHaveLength(1);
});

test('a prediction is forgotten after twice ttlMs, so that later feedback is unmatched', () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, ttlMs: 1000 });
  feeder(tracker)('old');
  vi.advanceTimersByTime(2000);
  expect(tracker.size).toBe(1);
  expect(tracker.recordFeedback('old', 'setosa')).toBe('unmatched');
  expect(tracker.size).toBe(0);
});

test('when the store is full, IDs kept only for late feedback are evicted before predictions still waiting', async () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, ttlMs: 1000, maxEntries: 3 });
  const predict = feeder(tracker);
  predict('a');
  predict('b');
  vi.advanceTimersByTime(1000);
  predict('c');
  predict('d');
  expect(await dropped(metrics, 'expired')).toBe(2);
  expect(await dropped(metrics, 'evicted')).toBe(0);
  expect(tracker.size).toBe(3);
  expect(tracker.recordFeedback('a', 'setosa')).toBe('unmatched');
  expect(tracker.recordFeedback('b', 'setosa')).toBe('expired');
  expect(tracker.recordFeedback('c', 'setosa')).toBe('correct');
});

test('evicting a prediction that already got feedback is not counted as dropped', async () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, maxEntries: 2 });
  const predict = feeder(tracker);
  predict('a');
  tracker.recordFeedback('a', 'setosa');
  predict('b');
  predict('c');
  predict('d');
  expect(await dropped(metrics, 'evicted')).toBe(1);
  expect(await pending(metrics)).toBe(2);
});

test('the trace index stays as bounded as the store', () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, maxEntries: 5 });
  const predict = feeder(tracker);
  for (let i = 0; i < 100; i++) predict(`p${i}`, 'shared-trace');
  for (let i = 0; i < 5; i++) tracker.recordFeedback(`p${95 + i}`, 'setosa');
  // All five remembered predictions of the trace are answered but still remembered: still ambiguous.
  expect(tracker.recordFeedbackByTraceId('shared-trace', 'setosa')).toBe('unmatched');
  for (let i = 0; i < 5; i++) predict(`q${i}`, `own-${i}`);
  expect(tracker.recordFeedbackByTraceId('shared-trace', 'setosa')).toBe('unmatched');
  expect(tracker.recordFeedbackByTraceId('own-4', 'setosa')).toBe('correct');
});

test('eviction is reported once through diag', () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, maxEntries: 1 });
  const predict = feeder(tracker);
  for (let i = 0; i < 10; i++) predict(`p${i}`);
  expect(diagnostics.warnings.filter((w) => w.includes('the feedback store is full'))).toHaveLength(1);
});

test('a prediction ID seen twice replaces the older prediction, which counts as evicted', async () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter });
  const predict = feeder(tracker);
  predict('same', 'trace-1');
  predict('same', 'trace-2');
  expect(await dropped(metrics, 'evicted')).toBe(1);
  expect(await pending(metrics)).toBe(1);
  expect(tracker.recordFeedbackByTraceId('trace-1', 'setosa')).toBe('unmatched');
  expect(tracker.recordFeedbackByTraceId('trace-2', 'setosa')).toBe('correct');
  expect(diagnostics.warnings.some((w) => w.includes('was seen twice'))).toBe(true);
});

test('joins by ID and by trace ID still find their predictions after the store has grown', () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, maxEntries: 5000 });
  const predict = feeder(tracker);
  for (let i = 0; i < 10; i++) predict(`early-${i}`, `early-trace-${i}`);
  // The first join by trace ID builds the trace index; growing the store must carry it over.
  expect(tracker.recordFeedbackByTraceId('early-trace-0', 'setosa')).toBe('correct');
  for (let i = 0; i < 3000; i++) predict(`late-${i}`, `late-trace-${i}`);
  expect(tracker.recordFeedbackByTraceId('early-trace-1', 'setosa')).toBe('correct');
  expect(tracker.recordFeedbackByTraceId('early-trace-0', 'setosa')).toBe('duplicate');
  expect(tracker.recordFeedback('early-2', 'setosa')).toBe('correct');
  expect(tracker.recordFeedbackByTraceId('late-trace-2999', 'setosa')).toBe('correct');
  expect(tracker.recordFeedback('late-0', 'setosa')).toBe('correct');
  expect(tracker.size).toBe(3010);
});

test('a full store that wraps around many times keeps joining the most recent predictions', () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, maxEntries: 1500 });
  const predict = feeder(tracker);
  for (let i = 0; i < 10_000; i++) predict(`p${i}`, `t${i}`);
  expect(tracker.recordFeedbackByTraceId('t8500', 'setosa')).toBe('correct');
  expect(tracker.recordFeedbackByTraceId('t8499', 'setosa')).toBe('unmatched');
  for (let i = 10_000; i < 12_000; i++) predict(`p${i}`, `t${i}`);
  expect(tracker.recordFeedbackByTraceId('t10500', 'setosa')).toBe('correct');
  expect(tracker.recordFeedback('p11999', 'virginica')).toBe('incorrect');
  expect(tracker.recordFeedback('p10499', 'setosa')).toBe('unmatched');
});

test('a prediction is stored at its end time, so its time to live starts when it ended', () => {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, ttlMs: 1000 });
  const endedLongAgo = {
    model,
    predictionId: 'old',
    traceId: undefined,
    status: 'ok',
    label: 'setosa',
    confidence: 0.9,
    output: undefined,
    features: undefined,
    durationSeconds: 0,
    endTime: Date.now() - 1500,
    task: undefined,
  };
  tracker.onPrediction(endedLongAgo as PredictionRecord);
  expect(tracker.recordFeedback('old', 'setosa')).toBe('expired');
});
