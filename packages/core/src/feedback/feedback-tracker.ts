import type { BatchObservableResult } from '@opentelemetry/api';
import { ReportOnce } from '../errors/report-once';
import type { ModelIdentity, PredictionObserver, PredictionRecord } from '../types';
import { MAX_CLASS_NAME_LENGTH } from './class-set';
import { resolveFeedbackConfig, type FeedbackConfig } from './feedback-config';
import { createFeedbackInstruments, type FeedbackInstruments } from './feedback-instruments';
import type { DropReason, FeedbackStore, PendingPrediction, StoredPrediction, TakeResult } from './feedback-store';
import { ModelQuality } from './model-quality';
import { PredictionStore } from './prediction-store';
import { defaultRegressionValue, inferTask } from './task-inference';
import type { FeedbackActual, FeedbackOutcome, FeedbackResult, FeedbackTrackerOptions, ModelTask } from './types';

/** Name and version that feedback is counted under when it cannot be attributed to a model. */
const UNKNOWN_MODEL: ModelIdentity = Object.freeze({ name: 'unknown', version: 'unknown' });

/** What `PredictionInfo.traceId` holds when no SDK records spans: not a trace to join by. */
const INVALID_TRACE_ID = '00000000000000000000000000000000';

/**
 * Most model versions a tracker learns from a shared store's predictions (made by other replicas):
 * their names become metric labels, so a store holding foreign or corrupt entries cannot grow the
 * series without bound. Feedback for further ones is counted under `unknown`.
 */
const MAX_STORED_MODELS = 100;
/** Longest model name or version taken from a shared store. */
const MAX_STORED_MODEL_LENGTH = 256;

const modelKey = (model: ModelIdentity): string => `${model.name}\u0000${model.version}`;
const validStoredName = (name: unknown): name is string =>
  typeof name === 'string' && name.trim() !== '' && name.length <= MAX_STORED_MODEL_LENGTH;

const isPromise = <T>(value: T | Promise<T>): value is Promise<T> => typeof (value as Promise<T>)?.then === 'function';

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/**
 * Joins late ground truth with the predictions it is about, and turns the result into model-quality
 * metrics: `ml_feedback_total` by outcome, `ml_prediction_error_absolute`, and windowed gauges
 * (`ml_model_accuracy`, `ml_model_precision` / `_recall` / `_f1` per class and macro,
 * `ml_model_mae`, `ml_model_rmse`, `ml_model_estimated_accuracy`), plus `ml_feedback_pending` and
 * `ml_feedback_pending_dropped_total` for the store itself.
 *
 * Pass it to `traced()` as an observer, then report each true outcome when it is known:
 * ```ts
 * const feedback = new FeedbackTracker();
 * const predict = traced(model.predict, { model: { name: 'iris', version: '1.4.0' }, observers: [feedback] });
 * // later, when the true class is known:
 * feedback.recordFeedback(predictionId, 'setosa'); // → 'correct' | 'incorrect' | 'unmatched' | …
 * ```
 * Nothing here throws at the caller after construction: bad feedback is counted under its outcome
 * and reported once per cause through `diag`.
 *
 * With a shared `store` (several replicas behind a load balancer), `recordFeedback` returns a
 * promise and feedback joins a prediction made by any replica; see {@link FeedbackTrackerOptions.store}.
 */
export class FeedbackTracker<Store extends FeedbackStore | undefined = undefined> implements PredictionObserver {
  private readonly config: FeedbackConfig;
  private readonly store: FeedbackStore | PredictionStore;
  /** The tracker's own store, when it has no shared one. */
  private readonly local: PredictionStore | undefined;
  /** Handed to the store for every prediction, refilled each time: nothing is allocated per prediction. */
  private readonly pendingPrediction: PendingPrediction = {
    id: '',
    traceId: undefined,
    source: undefined as unknown as ModelQuality,
    task: 'classification',
    label: undefined,
    value: undefined,
    confidence: undefined,
    time: 0,
    retainMs: 0,
  };
  private storedModels = 0;
  private readonly instruments: FeedbackInstruments;
  private readonly models = new Map<string, ModelQuality>();
  private readonly reporter = new ReportOnce();
  /** The model of the previous record: wrappers pass the same object every time, so this skips the lookup. */
  private lastModel: ModelIdentity | undefined;
  private lastQuality: ModelQuality | undefined;
  private pinned: ModelQuality | undefined;
  private unknown: ModelQuality | undefined;
  private reportedEviction = false;
  /** When the latest prediction was stored: the store needs times that never go back. */
  private lastStoredAt = 0;
  private readonly collect = (result: BatchObservableResult): void => this.observe(result);

  /** @throws TypeError naming the option when one is invalid; an invalid environment variable is warned about through `diag` and its default used. */
  constructor(options: FeedbackTrackerOptions<Store> = {}) {
    this.config = resolveFeedbackConfig(options);
    this.instruments = createFeedbackInstruments(this.config.meter, this.config.errorBuckets);
    if (this.config.store === undefined) {
      this.local = new PredictionStore(this.config.maxEntries, this.config.ttlMs, (id) =>
        this.reporter.report(
          'reused-id',
          `prediction ID ${describe(id)} was seen twice; the older prediction is dropped`,
        ),
      );
      this.store = this.local;
    } else {
      this.store = this.config.store;
    }
    this.pendingPrediction.retainMs = 2 * this.config.ttlMs;
    if (this.config.model !== undefined) this.pinned = this.qualityOf(this.config.model);
    this.config.meter.addBatchObservableCallback(this.collect, this.instruments.observables);
  }

  /** Predictions and IDs the tracker's own store holds now (at most `maxEntries`); 0 with a shared store. */
  get size(): number {
    return this.local?.size ?? 0;
  }

  /** Remembers a prediction for the join. Called by `traced()` for every prediction (every batch item). */
  onPrediction(record: PredictionRecord): void {
    /** Set while a shared store is given the prediction: what it throws means it did not take it. */
    let sharing: ModelQuality | undefined;
    try {
      if (record.status !== 'ok' || typeof record.predictionId !== 'string') return;
      const quality =
        this.lastModel === record.model && this.lastQuality ? this.lastQuality : this.qualityFor(record.model);
      if (quality === undefined) return;
      if (quality.task === undefined) quality.task = this.taskOf(record);
      const task = quality.task;
      const confidence = record.confidence;
      // A non-finite confidence would turn the estimated accuracy into NaN for a whole window.
      if (task !== 'regression' && typeof confidence === 'number' && Number.isFinite(confidence))
        quality.addConfidence(confidence);

      const label = task === 'regression' ? undefined : record.label;
      const value = task === 'classification' ? undefined : this.valueOf(record);
      if (task === 'classification' && label === undefined) {
        this.reporter.report(
          `no-label:${quality.model.name}`,
          `a prediction of classifier ${quality.model.name} ${quality.model.version} has no label, so feedback cannot be joined with it; give traced() a \`label\` extractor`,
        );
        return;
      }
      if (task !== 'classification' && value === undefined && label === undefined) {
        this.reporter.report(
          `no-value:${quality.model.name}`,
          `a prediction of ${quality.model.name} ${quality.model.version} has neither a label nor a numeric value, so feedback cannot be joined with it; give the tracker a \`value\` extractor or traced() a \`label\` extractor`,
        );
        return;
      }
      const pending = this.pendingPrediction;
      pending.id = record.predictionId;
      pending.traceId =
        record.traceId !== undefined && record.traceId !== INVALID_TRACE_ID ? record.traceId : undefined;
      pending.source = quality;
      pending.task = task ?? (label !== undefined ? 'classification' : 'regression');
      pending.label = label;
      pending.value = value;
      pending.confidence = confidence;
      pending.time = this.storedAt(record.endTime);
      if (this.local !== undefined) {
        this.local.add(pending);
        quality.pending++;
      } else {
        sharing = quality;
        (this.store as FeedbackStore).add(pending);
      }
    } catch (error) {
      if (sharing === undefined) {
        this.reporter.report('internal-prediction', 'the feedback tracker failed to remember a prediction', error);
        return;
      }
      sharing.dropped('unavailable');
      this.reporter.report(
        'store-add',
        'the feedback store could not take a prediction (its add threw); counted in ml_feedback_pending_dropped_total{reason="unavailable"}',
        error,
      );
    }
  }

  /**
   * Joins the true outcome of a prediction with what was predicted, and counts it. Never throws
   * (nor rejects, with a shared store).
   * @param predictionId `ml.prediction.id` of the prediction (`PredictionInfo.predictionId`, or an item ID of a batch).
   * @param actual the true class (a string, or a number turned into a string) or, for regression, the true number.
   * @returns what became of the feedback: `correct` / `incorrect` / `matched` when it was used;
   * a promise of it with a shared `store`.
   */
  recordFeedback(predictionId: string, actual: FeedbackActual): FeedbackResult<Store> {
    return this.settle(() => {
      if (typeof predictionId !== 'string' || predictionId === '') {
        return this.reject(
          this.attributable(),
          'invalid',
          'invalid-id',
          `feedback needs a prediction ID (a non-empty string); got ${describe(predictionId)}`,
        );
      }
      const now = Date.now();
      const fit = this.fitting(actual);
      const key = `prediction ID ${describe(predictionId)}`;
      const found = this.local
        ? this.local.take(predictionId, fit, now)
        : (this.store as FeedbackStore).take(predictionId, fit);
      return isPromise(found)
        ? found.then((result) => this.join(result, actual, key, now))
        : this.join(found, actual, key, now);
    });
  }

  /**
   * Like {@link recordFeedback}, for a request that made exactly one prediction, found by its
   * trace ID (32 hex characters). A trace with several remembered predictions (a batch call, or
   * several calls) cannot be joined: the feedback counts as `unmatched`. Never throws.
   */
  recordFeedbackByTraceId(traceId: string, actual: FeedbackActual): FeedbackResult<Store> {
    return this.settle(() => {
      if (typeof traceId !== 'string' || traceId === '') {
        return this.reject(
          this.attributable(),
          'invalid',
          'invalid-trace-id',
          `feedback needs a trace ID (a non-empty string); got ${describe(traceId)}`,
        );
      }
      const now = Date.now();
      const id = traceId.toLowerCase();
      const fit = this.fitting(actual);
      const key = `trace ID ${describe(traceId)}`;
      const found = this.local
        ? this.local.takeByTraceId(id, fit, now)
        : (this.store as FeedbackStore).takeByTraceId(id, fit);
      return isPromise(found)
        ? found.then((result) => this.join(result, actual, key, now))
        : this.join(found, actual, key, now);
    });
  }

  /** Stops reporting the gauges (the counters keep what they have). The tracker can still be fed. */
  shutdown(): void {
    this.config.meter.removeBatchObservableCallback(this.collect, this.instruments.observables);
  }

  /** Runs a join, turning anything it throws or rejects with into `invalid`, reported once. */
  private settle(run: () => FeedbackOutcome | Promise<FeedbackOutcome>): FeedbackResult<Store> {
    let outcome: FeedbackOutcome | Promise<FeedbackOutcome>;
    try {
      outcome = run();
      if (isPromise(outcome)) outcome = outcome.then(undefined, (error: unknown) => this.failed(error));
    } catch (error) {
      outcome = this.failed(error);
    }
    // A shared store always answers in a promise, also when the feedback is refused before asking it.
    if (this.local === undefined && !isPromise(outcome)) outcome = Promise.resolve(outcome);
    return outcome as FeedbackResult<Store>;
  }

  /** The true outcome when it can take a prediction; `undefined` (look, do not take) when it is invalid. */
  private fitting(actual: unknown): FeedbackActual | undefined {
    return this.isActual(actual) ? actual : undefined;
  }

  private join(found: TakeResult, actual: unknown, key: string, now: number): FeedbackOutcome {
    if (found.state === 'unavailable') {
      if (!this.isActual(actual)) return this.invalidActual(this.attributable(), actual);
      const why = found.error instanceof Error ? found.error.message : String(found.error);
      return this.reject(
        this.attributable(),
        'unavailable',
        'unavailable',
        `feedback for ${key} cannot be joined: the feedback store is unavailable (${why}); the feedback is lost`,
      );
    }
    const prediction = 'prediction' in found ? found.prediction : undefined;
    const quality = prediction === undefined ? this.attributable() : this.qualityOfStored(prediction);
    if (!this.isActual(actual)) return this.invalidActual(quality, actual);
    switch (found.state) {
      case 'missing':
        return this.reject(
          quality,
          'unmatched',
          'unmatched',
          `feedback for ${key} matches no remembered prediction (never seen, failed, evicted when the store was full, or forgotten after twice ttlMs)`,
        );
      case 'ambiguous':
        return this.reject(
          quality,
          'unmatched',
          'ambiguous-trace',
          `trace ${key.slice('trace ID '.length)} made several predictions, so feedback by trace ID cannot tell which one it is about; use recordFeedback(predictionId, actual)`,
        );
      case 'answered':
        return this.reject(quality, 'duplicate', 'duplicate', `second feedback for ${key}; only the first one is used`);
      case 'kept': {
        const { name, version } = quality.model;
        return this.invalidActual(
          quality,
          actual,
          `regression model ${name} ${version} needs a finite number (if ${name} is a classifier, give traced() \`task: 'classification'\` or \`classes\`, or the tracker \`task: 'classification'\`)`,
        );
      }
    }
    const { task, label, value } = found.prediction;
    if (now - found.prediction.time >= this.config.ttlMs) {
      return this.reject(
        quality,
        'expired',
        'expired',
        `feedback for ${key} came after ttlMs (${this.config.ttlMs} ms); it is counted but not used`,
      );
    }
    if (task === 'classification') {
      if (label === undefined) {
        return this.reject(
          quality,
          'unmatched',
          'no-prediction-label',
          `the prediction of ${key} has no label to compare with`,
        );
      }
      if (this.local !== undefined) quality.pending--;
      const correct = quality.classification.push(
        label,
        typeof actual === 'number' ? String(actual) : (actual as string),
      );
      return this.count(quality, correct ? 'correct' : 'incorrect');
    }
    if (value === undefined) {
      return this.reject(
        quality,
        'unmatched',
        'no-prediction-value',
        `the prediction of ${key} has no numeric value to compare with`,
      );
    }
    if (this.local !== undefined) quality.pending--;
    const error = value - (actual as number);
    quality.regression.push(error);
    this.instruments.absoluteError.record(Math.abs(error), quality.attributes);
    return this.count(quality, 'matched');
  }

  /**
   * The record's end time, which `traced()` takes with `Date.now()` just before notifying, saves a
   * second clock read per prediction; a record without a usable one falls back to the clock, and
   * times never go back (the store expires in arrival order).
   */
  private storedAt(endTime: number): number {
    let time = typeof endTime === 'number' && endTime > 0 && endTime < Infinity ? endTime : Date.now();
    if (time < this.lastStoredAt) time = this.lastStoredAt;
    this.lastStoredAt = time;
    return time;
  }

  /** A class label (non-empty string or finite number) or a finite number: the only outcomes accepted. */
  private isActual(actual: unknown): actual is FeedbackActual {
    return (typeof actual === 'string' && actual !== '') || (typeof actual === 'number' && Number.isFinite(actual));
  }

  private invalidActual(
    quality: ModelQuality,
    actual: unknown,
    expected = 'needs a class label (non-empty string or finite number) or a finite number',
  ): FeedbackOutcome {
    return this.reject(
      quality,
      'invalid',
      `invalid-actual:${expected}`,
      `feedback ${expected}; got ${describe(actual)} (${typeof actual})`,
    );
  }

  private count(quality: ModelQuality, outcome: FeedbackOutcome): FeedbackOutcome {
    this.instruments.feedback.add(1, quality.outcomeAttributes[outcome]);
    return outcome;
  }

  private reject(quality: ModelQuality, outcome: FeedbackOutcome, cause: string, message: string): FeedbackOutcome {
    this.reporter.report(
      cause,
      `${message}; counted as ml_feedback_total{ml_feedback_outcome="${outcome}"} (further occurrences are only counted)`,
    );
    return this.count(quality, outcome);
  }

  private failed(error: unknown): FeedbackOutcome {
    this.reporter.report('internal-feedback', 'the feedback tracker failed to record feedback', error);
    return 'invalid';
  }

  private dropped(reason: DropReason): void {
    if (reason === 'evicted' && !this.reportedEviction) {
      this.reportedEviction = true;
      this.reporter.report(
        'evicted',
        `the feedback store is full (maxEntries ${this.config.maxEntries}): the oldest predictions are dropped before feedback arrives; counted in ml_feedback_pending_dropped_total{reason="evicted"}`,
      );
    }
    // A shared store's drops (reason `unavailable`) are warned about by the store, which knows why.
  }

  private taskOf(record: PredictionRecord): ModelTask | undefined {
    return record.task ?? inferTask(record);
  }

  private valueOf(record: PredictionRecord): number | undefined {
    if (this.config.value === undefined) return defaultRegressionValue(record.output, record.label);
    try {
      const value = this.config.value(record.output);
      if (value === undefined || (typeof value === 'number' && Number.isFinite(value))) return value;
      this.reporter.report(
        'value-type',
        `the value extractor must return a finite number or undefined; got ${describe(value)}`,
      );
    } catch (error) {
      this.reporter.report('value-threw', 'the value extractor threw', error);
    }
    return undefined;
  }

  /** The per-model state of a record's model; `undefined` for another model than the pinned one. */
  private qualityFor(model: ModelIdentity): ModelQuality | undefined {
    const pinned = this.pinned;
    if (pinned && (model.name !== pinned.model.name || model.version !== pinned.model.version)) {
      this.reporter.report(
        'other-model',
        `the feedback tracker of ${pinned.model.name} ${pinned.model.version} ignores predictions of ${model.name} ${model.version}`,
      );
      return undefined;
    }
    const quality = this.qualityOf(model);
    this.lastModel = model;
    this.lastQuality = quality;
    return quality;
  }

  /** The model of a stored prediction: its own source, or the model of another replica's prediction. */
  private qualityOfStored(prediction: StoredPrediction): ModelQuality {
    const source = prediction.source;
    if (source instanceof ModelQuality && this.models.get(modelKey(source.model)) === source) return source;
    const { name, version } = prediction.model;
    const key = modelKey(prediction.model);
    let quality = this.models.get(key);
    if (quality === undefined) {
      if (!validStoredName(name) || !validStoredName(version)) {
        this.reporter.report(
          'stored-model',
          `the feedback store returned a prediction with an invalid model ${describe(name)} ${describe(version)}; its feedback is counted under "unknown"`,
        );
        return this.unknownQuality();
      }
      if (this.storedModels >= MAX_STORED_MODELS) {
        this.reporter.report(
          'stored-models',
          `the feedback store holds predictions of more than ${MAX_STORED_MODELS} model versions; feedback for ${describe(name)} ${describe(version)} and later ones is counted under "unknown"`,
        );
        return this.unknownQuality();
      }
      this.storedModels++;
      quality = this.qualityOf({ name, version });
    }
    quality.task ??= prediction.task;
    return quality;
  }

  private qualityOf(model: ModelIdentity): ModelQuality {
    const key = modelKey(model);
    let quality = this.models.get(key);
    if (quality === undefined) {
      quality = this.newQuality(model);
      this.models.set(key, quality);
    }
    return quality;
  }

  private newQuality(model: ModelIdentity): ModelQuality {
    const { task, windowSize, labels, maxClasses } = this.config;
    return new ModelQuality(
      model,
      task,
      windowSize,
      labels,
      maxClasses,
      (quality, label) => {
        if (labels === undefined && label.length > MAX_CLASS_NAME_LENGTH) {
          this.reporter.report(
            `class-name-length:${quality.model.name}:${quality.model.version}`,
            `label ${describe(label)} of ${quality.model.name} ${quality.model.version} is longer than ${MAX_CLASS_NAME_LENGTH} characters; it counts in accuracy but gets no precision/recall/F1 series`,
          );
          return;
        }
        this.reporter.report(
          `class-overflow:${quality.model.name}:${quality.model.version}`,
          labels
            ? `label ${describe(label)} of ${quality.model.name} ${quality.model.version} is not one of the tracker's labels; it counts in accuracy but gets no precision/recall/F1 series`
            : `${quality.model.name} ${quality.model.version} has more than maxClasses (${maxClasses}) labels; label ${describe(label)} and later ones count in accuracy but get no precision/recall/F1 series`,
        );
      },
      (_quality, reason) => this.dropped(reason),
    );
  }

  /** The model that feedback without a known prediction is counted under. */
  private attributable(): ModelQuality {
    if (this.pinned) return this.pinned;
    if (this.models.size === 1) return this.models.values().next().value as ModelQuality;
    return this.unknownQuality();
  }

  private unknownQuality(): ModelQuality {
    this.unknown ??= this.newQuality(UNKNOWN_MODEL);
    return this.unknown;
  }

  private observe(result: BatchObservableResult): void {
    try {
      const local = this.local;
      local?.sweep(Date.now());
      const i = this.instruments;
      for (const quality of this.models.values()) {
        if (local !== undefined) {
          result.observe(i.pending, quality.pending, quality.attributes);
          result.observe(i.dropped, quality.drops.evicted, quality.dropAttributes.evicted);
          result.observe(i.dropped, quality.drops.expired, quality.dropAttributes.expired);
        } else {
          // A shared store expires and evicts by itself; what a replica knows is what it could not store.
          result.observe(i.dropped, quality.drops.unavailable, quality.dropAttributes.unavailable);
          // Only once they happen: most stores never see either, and a series that stays 0 costs every scrape.
          if (quality.drops.unknown > 0)
            result.observe(i.dropped, quality.drops.unknown, quality.dropAttributes.unknown);
          if (quality.drops.lost > 0) result.observe(i.dropped, quality.drops.lost, quality.dropAttributes.lost);
        }
        const confidences = quality.confidences;
        if (confidences && confidences.count > 0)
          result.observe(i.estimatedAccuracy, confidences.mean(), quality.attributes);
        if (quality.hasClassification) {
          const summary = quality.classification.summary();
          if (summary) {
            result.observe(i.accuracy, summary.accuracy, quality.attributes);
            for (const scores of summary.classes) {
              const attributes = quality.labelAttributesOf(scores.label);
              result.observe(i.precision, scores.precision, attributes);
              result.observe(i.recall, scores.recall, attributes);
              result.observe(i.f1, scores.f1, attributes);
            }
            result.observe(i.precision, summary.macro.precision, quality.macroAttributes);
            result.observe(i.recall, summary.macro.recall, quality.macroAttributes);
            result.observe(i.f1, summary.macro.f1, quality.macroAttributes);
          }
        }
        if (quality.hasRegression && quality.regression.count > 0) {
          const { mae, rmse } = quality.regression.errorSummary();
          result.observe(i.mae, mae, quality.attributes);
          result.observe(i.rmse, rmse, quality.attributes);
        }
      }
    } catch (error) {
      this.reporter.report('internal-collect', 'the feedback tracker failed to compute its gauges', error);
    }
  }
}
