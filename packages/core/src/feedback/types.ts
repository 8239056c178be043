import type { Meter } from '@opentelemetry/api';
import type { ModelIdentity, ModelTask } from '../types';
import type { FeedbackStore } from './feedback-store';

export type { ModelTask };

/**
 * What became of one feedback, the `ml_feedback_outcome` label of `ml_feedback_total`:
 * - `correct`, `incorrect`: joined with a classification prediction; the true class equals, or not, the predicted label;
 * - `matched`: joined with a regression prediction (the absolute error goes to `ml_prediction_error_absolute`);
 * - `unmatched`: no prediction is known for the ID (never seen, evicted, forgotten, or a trace with several predictions);
 * - `duplicate`: the prediction already received feedback;
 * - `expired`: the prediction is older than the time to live; the feedback is counted but not used;
 * - `invalid`: the ID is not a non-empty string, or the true outcome has the wrong type for the task;
 * - `unavailable`: the tracker's shared store (`store` option) could not be asked; the feedback is lost.
 */
export type FeedbackOutcome =
  | 'correct'
  | 'incorrect'
  | 'matched'
  | 'unmatched'
  | 'duplicate'
  | 'expired'
  | 'invalid'
  | 'unavailable';

/**
 * What `recordFeedback` returns: the outcome itself with the tracker's own store, a promise of it
 * with a shared `store` (a prediction made on another replica is looked up over the network).
 * `await` works on both.
 */
export type FeedbackResult<Store extends FeedbackStore | undefined> = Store extends FeedbackStore
  ? Promise<FeedbackOutcome>
  : FeedbackOutcome;

/**
 * What became of one business outcome reported with `recordOutcome`:
 * - `counted`: joined with its prediction, counted in `ml_outcome_total` and its value added to `ml_outcome_value_sum`;
 * - `unmatched`: no prediction is known for the ID (never seen, failed, evicted, or forgotten after twice `ttlMs`);
 * - `duplicate`: the prediction already got an outcome of this name; only the first one counts;
 * - `expired`: the prediction is older than `ttlMs`; the outcome is not counted;
 * - `invalid`: the ID is not a non-empty string, the name is not one of the declared `outcomes`,
 *   or the value is not a finite number ≥ 0;
 * - `unavailable`: the tracker's shared store (`store` option) could not be asked; the outcome is lost.
 *
 * Every status but `counted` is counted in `ml_outcome_rejected_total{reason}` (a counter apart from
 * `ml_feedback_total`, so that the feedback ratios keep meaning what they say).
 */
export type OutcomeStatus = 'counted' | 'unmatched' | 'duplicate' | 'expired' | 'invalid' | 'unavailable';

/** Why an outcome was not counted: the `reason` label of `ml_outcome_rejected_total`. */
export type OutcomeRejectReason = Exclude<OutcomeStatus, 'counted'>;

/**
 * What `recordOutcome` returns: the status itself with the tracker's own store, a promise of it
 * with a shared `store`, as {@link FeedbackResult}. `await` works on both.
 */
export type OutcomeResult<Store extends FeedbackStore | undefined> = Store extends FeedbackStore
  ? Promise<OutcomeStatus>
  : OutcomeStatus;

/**
 * A true outcome: a class label (a string, or a finite number turned into a string) for
 * classification, a finite number for regression.
 */
export type FeedbackActual = string | number;

/** Options of {@link FeedbackTracker}. */
export interface FeedbackTrackerOptions<Store extends FeedbackStore | undefined = FeedbackStore | undefined> {
  /**
   * Where predictions wait for their feedback. By default the tracker's own bounded store in this
   * process (`maxEntries`, answers at once); a shared store, such as `redisFeedbackStore()` of
   * `@modelsight/feedback-redis`, lets feedback sent to any replica join a prediction made by
   * another, and makes `recordFeedback` return a promise. `maxEntries` does not apply to it.
   * @default the tracker's own store
   */
  readonly store?: Store;
  /**
   * What the models predict. When absent, each model's task is inferred from its first
   * predictions: a confidence or a non-numeric label means classification; a bare number, or a
   * numeric `prediction` / `value` without confidence, means regression. Set it for classifiers
   * that return bare numeric classes without a confidence.
   * @default inferred per model
   */
  readonly task?: ModelTask;
  /**
   * The classes of the model. They bound the per-class series of precision, recall and F1, and
   * imply `task: 'classification'`. Numbers are turned into strings.
   * @default the first `maxClasses` distinct labels (of at most 128 characters) seen in matched feedback
   */
  readonly labels?: ReadonlyArray<string | number>;
  /**
   * Most classes per model that get their own precision, recall and F1 series when `labels` is
   * not given. Later classes still count in accuracy and as errors of the known classes, and are
   * reported once through `diag`.
   * @default 50
   */
  readonly maxClasses?: number;
  /**
   * The model this tracker serves. Feedback that matches no prediction is counted under this
   * model even before its first prediction (after a restart, say); predictions of other models
   * are ignored (reported once).
   * @default any model: unmatched feedback is counted under the only model seen so far, or under
   * name and version `unknown` while none or several have been seen
   */
  readonly model?: ModelIdentity;
  /**
   * Most predictions remembered for the join (those waiting for feedback, plus IDs kept to
   * recognize duplicate and late feedback). When full, the oldest is evicted; an evicted
   * prediction that never got feedback counts in `ml_feedback_pending_dropped_total{reason="evicted"}`.
   * Env: `MODELSIGHT_FEEDBACK_MAX_ENTRIES`.
   * @default 100000
   */
  readonly maxEntries?: number;
  /**
   * How long a prediction waits for feedback, in milliseconds. A prediction without feedback
   * at that age counts in `ml_feedback_pending_dropped_total{reason="expired"}`; its ID is kept
   * for one more `ttlMs` (space permitting) so that late feedback counts as `expired`, not `unmatched`.
   * The age is counted from the prediction's `endTime`. `Infinity` turns expiry off (the store is
   * then bounded by `maxEntries` only).
   * Env: `MODELSIGHT_FEEDBACK_TTL_MS`.
   * @default 3600000 (one hour)
   */
  readonly ttlMs?: number;
  /**
   * How many of the most recent matched feedback the quality gauges are computed over (per
   * model), and how many recent confidences `ml_model_estimated_accuracy` averages.
   * Env: `MODELSIGHT_FEEDBACK_WINDOW_SIZE`.
   * @default 1000
   */
  readonly windowSize?: number;
  /**
   * Finds the predicted number on a regression model's output.
   * @default the output when it is a finite number, else its finite numeric `prediction` or
   * `value`, else the prediction's label when it is a numeric string
   */
  readonly value?: (output: unknown) => number | undefined;
  /**
   * Bucket bounds of `ml_prediction_error_absolute`, increasing.
   * @default {@link ERROR_ABSOLUTE_BUCKETS} (0.01 … 1000)
   */
  readonly errorBuckets?: readonly number[];
  /**
   * Names of the business outcomes that `recordOutcome` accepts (a conversion, a click, a purchase…),
   * declared up front because each is the value of the `ml_outcome_name` label. At most 32 names of
   * 1 to 64 characters among `A-Z a-z 0-9 _ . : -`. An outcome of another name counts as `invalid`.
   * Env: `MODELSIGHT_OUTCOME_NAMES` (comma-separated, e.g. `click,purchase`).
   * @default none: every outcome counts as `invalid` until names are declared
   */
  readonly outcomes?: readonly string[];
  /**
   * Meter of the feedback and quality metrics. Note that `metrics.getMeter()` of
   * `@opentelemetry/api` returns a meter that never records when no MeterProvider was registered
   * yet: create the tracker after the SDK starts (the `@modelsight/node` preload does it first).
   * @default `metrics.getMeter('@modelsight/core')` when the tracker is created
   */
  readonly meter?: Meter;
}
