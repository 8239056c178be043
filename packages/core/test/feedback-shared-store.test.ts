import { beforeEach, expect, test } from 'vitest';
import { FeedbackTracker } from '../src/feedback/feedback-tracker';
import type { FeedbackStore, PendingPrediction, StoredPrediction, TakeResult } from '../src/feedback/feedback-store';
import {
  METRIC_ML_FEEDBACK,
  METRIC_ML_FEEDBACK_PENDING,
  METRIC_ML_FEEDBACK_PENDING_DROPPED,
} from '../src/feedback/feedback-semconv';
import type { PredictionRecord } from '../src/index';
import { collectedMetrics } from './support/feedback-metrics';
import { captureDiag } from '@modelsight/test-support';

// The tracker against the FeedbackStore interface, with a small shared store written here the way
// a store for another database would be: predictions copied into a Map that several trackers use.

const diagnostics = captureDiag();
beforeEach(() => diagnostics.reset());

class MapStore implements FeedbackStore {
  readonly entries = new Map<string, { prediction: StoredPrediction; answered: boolean }>();
  unavailable = false;

  add(p: PendingPrediction): void {
    // The object is reused by the tracker: copy what is kept.
    this.entries.set(p.id, {
      prediction: {
        model: { ...p.source.model },
        task: p.task,
        label: p.label,
        value: p.value,
        confidence: p.confidence,
        time: p.time,
      },
      answered: false,
    });
  }

  async take(id: string, actual: string | number | undefined): Promise<TakeResult> {
    if (this.unavailable) return { state: 'unavailable', error: new Error('connection refused') };
    const entry = this.entries.get(id);
    if (entry === undefined) return { state: 'missing' };
    if (entry.answered) return { state: 'answered', prediction: entry.prediction };
    if (actual === undefined || (entry.prediction.task === 'regression' && typeof actual !== 'number'))
      return { state: 'kept', prediction: entry.prediction };
    entry.answered = true;
    return { state: 'taken', prediction: entry.prediction };
  }

  async takeByTraceId(): Promise<TakeResult> {
    return { state: 'missing' };
  }
}

const iris = { name: 'iris', version: '3.0.0' };
let counter = 0;
const record = (model = iris, label = 'setosa'): PredictionRecord => ({
  model,
  predictionId: `shared-${++counter}`,
  traceId: undefined,
  spanId: undefined,
  status: 'ok',
  label,
  confidence: 0.9,
  output: { label },
  features: undefined,
  durationSeconds: 0,
  endTime: Date.now(),
  task: undefined,
});

test('with a shared store, feedback is answered in a promise, even when it is refused before the store is asked', async () => {
  const tracker = new FeedbackTracker({ store: new MapStore(), meter: collectedMetrics().meter });
  const invalid = tracker.recordFeedback('', 'setosa');
  expect(invalid).toBeInstanceOf(Promise);
  expect(await invalid).toBe('invalid');
  expect(await tracker.recordFeedbackByTraceId(42 as never, 'setosa')).toBe('invalid');
});

test('a prediction added through one tracker is joined by another on the same store, once', async () => {
  const store = new MapStore();
  const metrics = collectedMetrics();
  const predicting = new FeedbackTracker({ store, meter: collectedMetrics().meter });
  const receiving = new FeedbackTracker({ store, meter: metrics.meter });
  const made = record(iris, 'virginica');
  predicting.onPrediction(made);
  expect(await receiving.recordFeedback(made.predictionId, 'virginica')).toBe('correct');
  expect(await predicting.recordFeedback(made.predictionId, 'virginica')).toBe('duplicate');
  expect(
    await metrics.value(METRIC_ML_FEEDBACK, { 'ml.model.version': '3.0.0', 'ml.feedback.outcome': 'correct' }),
  ).toBe(1);
});

test('a store that cannot answer makes feedback unavailable, counted and warned once', async () => {
  const store = new MapStore();
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ store, meter: metrics.meter, model: iris });
  store.unavailable = true;
  expect(await tracker.recordFeedback('any', 'setosa')).toBe('unavailable');
  expect(await tracker.recordFeedback('other', 'setosa')).toBe('unavailable');
  // A bad outcome stays invalid whatever the store does.
  expect(await tracker.recordFeedback('other', { not: 'a label' } as never)).toBe('invalid');
  expect(
    await metrics.value(METRIC_ML_FEEDBACK, { 'ml.model.version': '3.0.0', 'ml.feedback.outcome': 'unavailable' }),
  ).toBe(2);
  expect(
    diagnostics.warnings.filter((w) => w.includes('the feedback store is unavailable (connection refused)')),
  ).toHaveLength(1);
});

test('predictions a shared store drops count under reason unavailable, and no pending gauge is reported', async () => {
  const metrics = collectedMetrics();
  const dropping: FeedbackStore = {
    add: (p) => p.source.dropped('unavailable'),
    take: async () => ({ state: 'missing' }),
    takeByTraceId: async () => ({ state: 'missing' }),
  };
  const tracker = new FeedbackTracker({ store: dropping, meter: metrics.meter });
  for (let i = 0; i < 3; i++) tracker.onPrediction(record());
  expect(
    await metrics.value(METRIC_ML_FEEDBACK_PENDING_DROPPED, { 'ml.model.version': '3.0.0', reason: 'unavailable' }),
  ).toBe(3);
  expect(await metrics.value(METRIC_ML_FEEDBACK_PENDING_DROPPED, { reason: 'evicted' })).toBeUndefined();
  expect(await metrics.value(METRIC_ML_FEEDBACK_PENDING)).toBeUndefined();
  expect(tracker.size).toBe(0);
});

test('a store that throws or rejects never makes feedback throw: it is invalid, reported once', async () => {
  const broken: FeedbackStore = {
    add: () => {
      throw new Error('add broke');
    },
    take: () => Promise.reject(new Error('take broke')),
    takeByTraceId: () => {
      throw new Error('take by trace broke');
    },
  };
  const tracker = new FeedbackTracker({ store: broken, meter: collectedMetrics().meter });
  expect(() => tracker.onPrediction(record())).not.toThrow();
  expect(await tracker.recordFeedback('x', 'setosa')).toBe('invalid');
  expect(await tracker.recordFeedbackByTraceId('ab'.repeat(16), 'setosa')).toBe('invalid');
  expect(diagnostics.warnings.filter((w) => w.includes('failed to record feedback'))).toHaveLength(1);
});

test('a prediction a store throws on is counted as dropped (unavailable) and reported once', async () => {
  const metrics = collectedMetrics();
  const throwing: FeedbackStore = {
    add: () => {
      throw new Error('add broke');
    },
    take: async () => ({ state: 'missing' }),
    takeByTraceId: async () => ({ state: 'missing' }),
  };
  const tracker = new FeedbackTracker({ store: throwing, meter: metrics.meter });
  for (let i = 0; i < 3; i++) tracker.onPrediction(record());
  expect(
    await metrics.value(METRIC_ML_FEEDBACK_PENDING_DROPPED, { 'ml.model.version': '3.0.0', reason: 'unavailable' }),
  ).toBe(3);
  expect(
    diagnostics.warnings.filter((w) => w.includes('add broke') || w.includes('could not take a prediction')),
  ).toHaveLength(1);
});

test('stored predictions of invalid models, or of more than 100 versions, are counted under unknown', async () => {
  const store = new MapStore();
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ store, meter: metrics.meter });
  store.entries.set('blank', {
    prediction: {
      model: { name: ' ', version: '1' },
      task: 'classification',
      label: 'a',
      value: undefined,
      confidence: undefined,
      time: Date.now(),
    },
    answered: false,
  });
  expect(await tracker.recordFeedback('blank', 'a')).toBe('correct');
  for (let v = 0; v < 101; v++) {
    store.entries.set(`v${v}`, {
      prediction: {
        model: { name: 'many', version: String(v) },
        task: 'classification',
        label: 'a',
        value: undefined,
        confidence: undefined,
        time: Date.now(),
      },
      answered: false,
    });
    await tracker.recordFeedback(`v${v}`, 'a');
  }
  expect(
    await metrics.value(METRIC_ML_FEEDBACK, { 'ml.model.name': 'unknown', 'ml.feedback.outcome': 'correct' }),
  ).toBe(2);
  expect(
    await metrics.value(METRIC_ML_FEEDBACK, {
      'ml.model.name': 'many',
      'ml.model.version': '99',
      'ml.feedback.outcome': 'correct',
    }),
  ).toBe(1);
  expect(diagnostics.warnings.filter((w) => w.includes('more than 100 model versions'))).toHaveLength(1);
});

test('a store option that is not a FeedbackStore throws a TypeError naming the option', () => {
  expect(() => new FeedbackTracker({ store: { add() {} } as never })).toThrow(
    'option store must be a FeedbackStore (an object with add, take and takeByTraceId methods); got [object Object]',
  );
});
