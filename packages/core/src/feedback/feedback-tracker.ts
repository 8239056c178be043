import type { BatchObservableResult } from '@opentelemetry/api';
import { ReportOnce } from '../errors/report-once';
import type { ModelIdentity, PredictionObserver, PredictionRecord } from '../types';
import { describeFeedbackValue as describe } from './describe-feedback-value';
import { resolveFeedbackConfig, type FeedbackConfig } from './feedback-config';
import { createFeedbackInstruments, type FeedbackInstruments } from './feedback-instruments';
import { FeedbackJoin } from './feedback-join';
import type { DropReason, FeedbackStore } from './feedback-store';
import { ModelRegistry } from './model-registry';
import { OutcomeJoin } from './outcome-join';
import { PredictionIntake } from './prediction-intake';
import { PredictionStore } from './prediction-store';
import { observeQuality } from './quality-gauges';
import type { FeedbackActual, FeedbackResult, FeedbackTrackerOptions, OutcomeResult } from './types';

const NO_FEEDBACK = Object.freeze({ correct: 0, incorrect: 0 });

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
 * Business outcomes (a click, a conversion, a purchase amount) join the same predictions with
 * {@link FeedbackTracker.recordOutcome}, counted per model version in `ml_outcome_total` and
 * `ml_outcome_value_sum`.
 *
 * With a shared `store` (several replicas behind a load balancer), `recordFeedback` and `recordOutcome` return a
 * promise and feedback joins a prediction made by any replica; see {@link FeedbackTrackerOptions.store}.
 */
export class FeedbackTracker<Store extends FeedbackStore | undefined = undefined> implements PredictionObserver {
  private readonly config: FeedbackConfig;
  /** The tracker's own store, when it has no shared one. */
  private readonly local: PredictionStore | undefined;
  private readonly instruments: FeedbackInstruments;
  private readonly reporter = new ReportOnce();
  private readonly registry: ModelRegistry;
  private readonly intake: PredictionIntake;
  private readonly feedback: FeedbackJoin;
  private readonly outcomes: OutcomeJoin;
  private reportedEviction = false;
  private readonly collect = (result: BatchObservableResult): void => this.observe(result);

  /** @throws TypeError naming the option when one is invalid; an invalid environment variable is warned about through `diag` and its default used. */
  constructor(options: FeedbackTrackerOptions<Store> = {}) {
    const config = resolveFeedbackConfig(options);
    this.config = config;
    this.instruments = createFeedbackInstruments(config.meter, config.errorBuckets);
    if (config.store === undefined) {
      this.local = new PredictionStore(config.maxEntries, config.ttlMs, (id) =>
        this.reporter.report(
          'reused-id',
          `prediction ID ${describe(id)} was seen twice; the older prediction is dropped`,
        ),
      );
    }
    this.registry = new ModelRegistry(
      config,
      this.reporter,
      (reason) => this.dropped(reason),
      // Undefined while the registry is built (the pinned model): announced below.
      (quality) => this.outcomes?.announce(quality),
    );
    this.intake = new PredictionIntake(config, this.registry, this.reporter, this.local, config.store);
    this.feedback = new FeedbackJoin(config, this.registry, this.reporter, this.instruments, this.local, config.store);
    this.outcomes = new OutcomeJoin(config, this.registry, this.reporter, this.instruments, this.local, config.store);
    for (const quality of this.registry.values()) this.outcomes.announce(quality);
    config.meter.addBatchObservableCallback(this.collect, this.instruments.observables);
  }

  /** Predictions and IDs the tracker's own store holds now (at most `maxEntries`); 0 with a shared store. */
  get size(): number {
    return this.local?.size ?? 0;
  }

  /** Remembers a prediction for the join. Called by `traced()` for every prediction (every batch item). */
  onPrediction(record: PredictionRecord): void {
    this.intake.onPrediction(record);
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
    return this.feedback.byPredictionId(predictionId, actual) as FeedbackResult<Store>;
  }

  /**
   * Like {@link recordFeedback}, for a request that made exactly one prediction, found by its
   * trace ID (32 hex characters). A trace with several remembered predictions (a batch call, or
   * several calls) cannot be joined: the feedback counts as `unmatched`. Never throws.
   */
  recordFeedbackByTraceId(traceId: string, actual: FeedbackActual): FeedbackResult<Store> {
    return this.feedback.byTraceId(traceId, actual) as FeedbackResult<Store>;
  }

  /**
   * Counts a business outcome of a prediction (a click, a conversion, a purchase and its amount),
   * reported any time within `ttlMs` after it, on any replica sharing the tracker's `store`. Each
   * (prediction, name) counts once; a prediction can have several names (a click, then a purchase);
   * outcomes and label feedback of the same prediction are independent. Never throws (nor rejects,
   * with a shared store).
   *
   * Counted outcomes go to `ml_outcome_total{ml_outcome_name}` and their values to
   * `ml_outcome_value_sum{ml_outcome_name}`, under the model version of the prediction; the others
   * to `ml_outcome_rejected_total{reason}`.
   * ```ts
   * const feedback = new FeedbackTracker({ outcomes: ['click', 'purchase'] });
   * feedback.recordOutcome(predictionId, 'click');
   * feedback.recordOutcome(predictionId, 'purchase', 42.5);
   * ```
   * @param predictionId `ml.prediction.id` of the prediction (`PredictionInfo.predictionId`, or an item ID of a batch).
   * @param name one of the declared `outcomes` (option, or `MODELSIGHT_OUTCOME_NAMES`).
   * @param value what the outcome is worth, a finite number ≥ 0 (a purchase amount); default 1.
   * @returns `counted`, or why not (`unmatched`, `duplicate`, `expired`, `invalid`, `unavailable`);
   * a promise of it with a shared `store`.
   */
  recordOutcome(predictionId: string, name: string, value = 1): OutcomeResult<Store> {
    return this.outcomes.record(predictionId, name, value) as OutcomeResult<Store>;
  }

  /**
   * Classification feedback joined so far with predictions of one model version: how many were right
   * and how many wrong (`ml_feedback_total` with outcome `correct` and `incorrect`), counted since the
   * tracker was created. The canary guard of `modelVersions()` compares versions' accuracy with it.
   */
  feedbackCounts(model: ModelIdentity): { readonly correct: number; readonly incorrect: number } {
    const quality = this.registry.find(model);
    return quality === undefined ? NO_FEEDBACK : { correct: quality.correct, incorrect: quality.incorrect };
  }

  /** Stops reporting the gauges (the counters keep what they have). The tracker can still be fed. */
  shutdown(): void {
    this.config.meter.removeBatchObservableCallback(this.collect, this.instruments.observables);
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

  private observe(result: BatchObservableResult): void {
    try {
      observeQuality(result, this.registry, this.instruments, this.local);
    } catch (error) {
      this.reporter.report('internal-collect', 'the feedback tracker failed to compute its gauges', error);
    }
  }
}
