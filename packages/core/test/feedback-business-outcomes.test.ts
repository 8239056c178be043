import { beforeEach, expect, test } from 'vitest';
import { FeedbackTracker } from '../src/feedback/feedback-tracker';
import type {
  FeedbackStore,
  OutcomeTakeResult,
  PendingPrediction,
  StoredPrediction,
  TakeResult,
} from '../src/feedback/feedback-store';
import { METRIC_ML_FEEDBACK, METRIC_ML_OUTCOME, METRIC_ML_OUTCOME_REJECTED } from '../src/feedback/feedback-semconv';
import { resolveFeedbackConfig } from '../src/feedback/feedback-config';
import type { ModelIdentity } from '../src/types';
import { collectedMetrics, predictionRecord } from './support/feedback-metrics';
import { captureDiag } from '@modelsight/test-support';

const diagnostics = captureDiag();
beforeEach(() => diagnostics.reset());

const v1 = { name: 'recommender', version: '1.0.0' };
const v2 = { name: 'recommender', version: '2.0.0' };

function service(options: ConstructorParameters<typeof FeedbackTracker>[0] = {}) {
  const metrics = collectedMetrics();
  const tracker = new FeedbackTracker({ meter: metrics.meter, outcomes: ['click', 'purchase'], ...options });
  const predict = (model: ModelIdentity = v1, overrides = {}) => {
    const record = predictionRecord({
      model,
      label: 'shoes',
      confidence: 0.7,
      output: { label: 'shoes', confidence: 0.7 },
      ...overrides,
    });
    tracker.onPrediction(record);
    return record.predictionId;
  };
  const total = (name: string, model = v1) =>
    metrics.value(METRIC_ML_OUTCOME, {
      'ml.model.name': model.name,
      'ml.model.version': model.version,
      'ml.outcome.name': name,
    });
  const valueSum = async (name: string, model = v1) =>
    (
      await metrics.histogram('ml_outcome_value', {
        'ml.model.name': model.name,
        'ml.model.version': model.version,
        'ml.outcome.name': name,
      })
    )?.sum;
  const rejected = async (reason: string, name?: string, model = v1) => {
    const points = (await metrics.points()).filter(
      (p) =>
        p.name === METRIC_ML_OUTCOME_REJECTED &&
        p.attributes['ml.model.version'] === model.version &&
        p.attributes.reason === reason &&
        p.attributes['ml.outcome.name'] === name,
    );
    return points.reduce((sum, p) => sum + (p.value as number), 0);
  };
  return { metrics, tracker, predict, total, valueSum, rejected };
}

test('an outcome of a remembered prediction is counted with its value under the prediction model version', async () => {
  const { tracker, predict, total, valueSum } = service();
  const a = predict(v1);
  const b = predict(v2);
  expect(tracker.recordOutcome(a, 'purchase', 42.5)).toBe('counted');
  expect(tracker.recordOutcome(b, 'purchase', 10)).toBe('counted');
  expect(await total('purchase', v1)).toBe(1);
  expect(await valueSum('purchase', v1)).toBe(42.5);
  expect(await total('purchase', v2)).toBe(1);
  expect(await valueSum('purchase', v2)).toBe(10);
});

test('an outcome without a value is worth 1', async () => {
  const { tracker, predict, valueSum } = service();
  expect(tracker.recordOutcome(predict(), 'click')).toBe('counted');
  expect(tracker.recordOutcome(predict(), 'click')).toBe('counted');
  expect(await valueSum('click')).toBe(2);
});

test('a prediction counts once per outcome name, and several names count each', async () => {
  const { tracker, predict, total, valueSum, rejected } = service();
  const id = predict();
  expect(tracker.recordOutcome(id, 'click')).toBe('counted');
  expect(tracker.recordOutcome(id, 'purchase', 30)).toBe('counted');
  expect(tracker.recordOutcome(id, 'purchase', 30)).toBe('duplicate');
  expect(tracker.recordOutcome(id, 'click')).toBe('duplicate');
  expect(await total('click')).toBe(1);
  expect(await total('purchase')).toBe(1);
  expect(await valueSum('purchase')).toBe(30);
  expect(await rejected('duplicate', 'purchase')).toBe(1);
  expect(await rejected('duplicate', 'click')).toBe(1);
});

test('outcomes do not take the prediction from its label feedback, nor label feedback its outcomes', async () => {
  const { metrics, tracker, predict, total } = service();
  const first = predict();
  expect(tracker.recordOutcome(first, 'click')).toBe('counted');
  expect(tracker.recordFeedback(first, 'shoes')).toBe('correct');
  expect(tracker.recordFeedback(first, 'shoes')).toBe('duplicate');
  const second = predict();
  expect(tracker.recordFeedback(second, 'boots')).toBe('incorrect');
  expect(tracker.recordOutcome(second, 'click')).toBe('counted');
  expect(await total('click')).toBe(2);
  // Outcomes stay out of the feedback counts, and the pending gauge still sees the first wait for its label.
  const feedback = (await metrics.points()).filter((p) => p.name === METRIC_ML_FEEDBACK);
  expect(feedback.map((p) => [p.attributes['ml.feedback.outcome'], p.value]).sort()).toEqual([
    ['correct', 1],
    ['duplicate', 1],
    ['incorrect', 1],
  ]);
  const third = predict();
  tracker.recordOutcome(third, 'purchase', 5);
  expect(await metrics.value('ml_feedback_pending', { 'ml.model.version': v1.version })).toBe(1);
});

test('an undeclared outcome name is invalid, counted without a name label and reported once', async () => {
  const { tracker, predict, rejected, total } = service();
  const id = predict();
  expect(tracker.recordOutcome(id, 'signup')).toBe('invalid');
  expect(tracker.recordOutcome(id, 'refund')).toBe('invalid');
  expect(await rejected('invalid', undefined)).toBe(2);
  expect(diagnostics.warnings.filter((w) => w.includes('not one of the declared outcomes'))).toHaveLength(1);
  expect(diagnostics.warnings[0]).toContain('"signup"');
  // The prediction is untouched: a declared name still counts.
  expect(tracker.recordOutcome(id, 'click')).toBe('counted');
  expect(await total('click')).toBe(1);
});

test('a value that is negative, not finite or not a number is invalid and the outcome stays open', async () => {
  const { tracker, predict, rejected } = service();
  const id = predict();
  expect(tracker.recordOutcome(id, 'purchase', -5)).toBe('invalid');
  expect(tracker.recordOutcome(id, 'purchase', Number.NaN)).toBe('invalid');
  expect(tracker.recordOutcome(id, 'purchase', '12' as unknown as number)).toBe('invalid');
  expect(tracker.recordOutcome('', 'purchase')).toBe('invalid');
  expect(await rejected('invalid', 'purchase')).toBe(4);
  expect(tracker.recordOutcome(id, 'purchase', 12)).toBe('counted');
});

test('an outcome of an unknown prediction is unmatched; one after ttlMs is expired and not counted', async () => {
  const { tracker, predict, total, rejected } = service({ ttlMs: 60_000 });
  const old = predict(v1, { endTime: Date.now() - 90_000 });
  // Counted under the only model seen so far, as unmatched label feedback is.
  expect(tracker.recordOutcome('never-predicted', 'click')).toBe('unmatched');
  expect(tracker.recordOutcome(old, 'click')).toBe('expired');
  expect(await rejected('unmatched', 'click')).toBe(1);
  expect(await rejected('expired', 'click')).toBe(1);
  expect(await total('click')).toBe(0);
});

/** A shared store kept in a Map, written against the interface as a store for another database would be. */
class MapStore implements FeedbackStore {
  readonly entries = new Map<string, { prediction: StoredPrediction; answered: boolean; outcomes: Set<string> }>();
  unavailable = false;

  add(p: PendingPrediction): void {
    const prediction = {
      model: { ...p.source.model },
      task: p.task,
      label: p.label,
      value: p.value,
      confidence: p.confidence,
      time: p.time,
    };
    this.entries.set(p.id, { prediction, answered: false, outcomes: new Set() });
  }

  async take(id: string, actual: string | number | undefined): Promise<TakeResult> {
    const entry = this.entries.get(id);
    if (entry === undefined) return { state: 'missing' };
    if (entry.answered) return { state: 'answered', prediction: entry.prediction };
    if (actual === undefined) return { state: 'kept', prediction: entry.prediction };
    entry.answered = true;
    return { state: 'taken', prediction: entry.prediction };
  }

  async takeByTraceId(): Promise<TakeResult> {
    return { state: 'missing' };
  }

  async takeOutcome(id: string, name: string): Promise<OutcomeTakeResult> {
    if (this.unavailable) return { state: 'unavailable', error: new Error('connection refused') };
    const entry = this.entries.get(id);
    if (entry === undefined) return { state: 'missing' };
    if (entry.outcomes.has(name)) return { state: 'answered', prediction: entry.prediction };
    entry.outcomes.add(name);
    return { state: 'taken', prediction: entry.prediction };
  }
}

test('with a shared store an outcome sent to another replica is counted once there, in a promise', async () => {
  const store = new MapStore();
  const replicaA = service({ store });
  const replicaB = service({ store });
  const id = replicaA.predict(v2);
  const answer = replicaB.tracker.recordOutcome(id, 'purchase', 99.99);
  expect(answer).toBeInstanceOf(Promise);
  expect(await answer).toBe('counted');
  expect(await replicaA.tracker.recordOutcome(id, 'purchase', 99.99)).toBe('duplicate');
  expect(await replicaB.valueSum('purchase', v2)).toBe(99.99);
  expect(await replicaA.total('purchase', v2)).toBe(0);
  // Refused before the store is asked: still a promise.
  expect(replicaB.tracker.recordOutcome(id, 'other')).toBeInstanceOf(Promise);
  store.unavailable = true;
  expect(await replicaB.tracker.recordOutcome(id, 'click')).toBe('unavailable');
  expect(await replicaB.rejected('unavailable', 'click', v2)).toBe(1);
});

test('a shared store without takeOutcome is refused at setup once outcomes are declared', () => {
  const store = { add() {}, take: MapStore.prototype.take, takeByTraceId: MapStore.prototype.takeByTraceId };
  expect(() => new FeedbackTracker({ store, outcomes: ['click'] })).toThrow(/option store must be .*takeOutcome/);
  expect(() => new FeedbackTracker({ store })).not.toThrow();
});

test('outcome names: the option is checked, the environment variable is read, a bad one warned about', () => {
  expect(() => resolveFeedbackConfig({ outcomes: ['click', 'click'] })).toThrow(/option outcomes must be/);
  expect(() => resolveFeedbackConfig({ outcomes: ['a b'] })).toThrow(/option outcomes must be .*"a b"/);
  expect(() => resolveFeedbackConfig({ outcomes: 'click' as unknown as string[] })).toThrow(/option outcomes/);
  const many = Array.from({ length: 33 }, (_, i) => `o${i}`);
  expect(() => resolveFeedbackConfig({ outcomes: many })).toThrow(/at most 32/);
  expect(resolveFeedbackConfig({ outcomes: many.slice(0, 32) }).outcomes).toHaveLength(32);
  expect(resolveFeedbackConfig({}, { MODELSIGHT_OUTCOME_NAMES: ' click , purchase ' }).outcomes).toEqual([
    'click',
    'purchase',
  ]);
  expect(resolveFeedbackConfig({ outcomes: ['buy'] }, { MODELSIGHT_OUTCOME_NAMES: 'click' }).outcomes).toEqual(['buy']);
  expect(resolveFeedbackConfig({}, { MODELSIGHT_OUTCOME_NAMES: 'click,bad name' }).outcomes).toEqual([]);
  expect(diagnostics.warnings).toHaveLength(1);
  expect(diagnostics.warnings[0]).toContain('MODELSIGHT_OUTCOME_NAMES');
  expect(diagnostics.warnings[0]).toContain('"click,bad name"');
});

test('every declared name of a model version is counted from 0 once the version is known, pinned or seen', async () => {
  const { total } = service({ model: v1 });
  expect(await total('click', v1)).toBe(0);
  expect(await total('purchase', v1)).toBe(0);
  const other = service();
  expect(await other.total('click', v2)).toBeUndefined();
  other.predict(v2);
  expect(await other.total('click', v2)).toBe(0);
  expect(await other.total('purchase', v2)).toBe(0);
  // The value sums start with the first outcome: a histogram cannot hold a 0 without counting it.
  expect(await other.valueSum('purchase', v2)).toBeUndefined();
});

test('all 32 declared names of one prediction are kept apart in the tracker store', async () => {
  const names = Array.from({ length: 32 }, (_, i) => `o${i}`);
  const { tracker, predict } = service({ outcomes: names });
  const id = predict();
  for (const name of names) expect(tracker.recordOutcome(id, name)).toBe('counted');
  for (const name of names) expect(tracker.recordOutcome(id, name)).toBe('duplicate');
});
