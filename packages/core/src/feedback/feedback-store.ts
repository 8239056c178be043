import type { ModelIdentity, ModelTask } from '../types';

/**
 * Why a prediction left a store without feedback:
 * - `evicted`: the in-process store was full (`maxEntries`);
 * - `expired`: older than the time to live;
 * - `unavailable`: a shared store could not take it (down, not answering, full, or its write queue full);
 * - `unknown`: a shared store sent it but could never learn whether it was stored (the store closed, or the
 *   prediction's retention passed, while the answer was missing);
 * - `lost`: a shared store had it, then lost what it held (a restart without persistence, a flush): at most
 *   that many were still waiting, as some may have had their feedback already.
 */
export type DropReason = 'evicted' | 'expired' | 'unavailable' | 'unknown' | 'lost';

/**
 * The model a prediction came from, as the tracker hands it to a store: one object per model
 * version, the same for every prediction of it.
 */
export interface PredictionSource {
  /** The model version that made the predictions. */
  readonly model: ModelIdentity;
  /** Called by the store for each prediction of this model that leaves it without feedback. Never throws. */
  dropped(reason: DropReason): void;
}

/**
 * A prediction handed to {@link FeedbackStore.add}. The tracker reuses one object for every
 * prediction (nothing is allocated on the prediction path): a store copies what it keeps.
 */
export interface PendingPrediction {
  /** `ml.prediction.id`, the key of the join. */
  id: string;
  /** The trace of the prediction, for feedback by trace ID; `undefined` without an SDK. */
  traceId: string | undefined;
  /** The model of the prediction, to hand back with it and to tell of its drop. */
  source: PredictionSource;
  /** What the model predicts: a classification prediction has a `label`, a regression one a `value`. */
  task: ModelTask;
  /** The predicted class, for a classification prediction. */
  label: string | undefined;
  /** The predicted number, for a regression prediction. */
  value: number | undefined;
  /** The prediction's confidence in [0, 1], when it had one. */
  confidence: number | undefined;
  /** When the prediction ended, in milliseconds since the epoch; never earlier than the previous one's. */
  time: number;
  /**
   * How long to keep the prediction, in milliseconds from `time`: twice the tracker's `ttlMs`, so
   * that feedback after the time to live counts as `expired` and a second one as `duplicate`.
   * `Infinity` when the tracker's `ttlMs` is.
   */
  retainMs: number;
}

/** A prediction as a store gives it back to the tracker that takes it (possibly in another process). */
export interface StoredPrediction {
  /** The model version that made the prediction. */
  readonly model: ModelIdentity;
  /** The source the prediction was added with, when it was added in this process. */
  readonly source?: PredictionSource;
  /** What the model predicts, as stored with the prediction. */
  readonly task: ModelTask;
  /** The predicted class, for a classification prediction. */
  readonly label: string | undefined;
  /** The predicted number, for a regression prediction. */
  readonly value: number | undefined;
  /** The prediction's confidence, when the store keeps it. */
  readonly confidence: number | undefined;
  /** When the prediction ended, in milliseconds since the epoch: feedback after `ttlMs` from it is `expired`. */
  readonly time: number;
}

/**
 * What a store found when asked to take a prediction for its feedback:
 * - `taken`: the prediction waited for feedback; it is now answered, in every process sharing the store;
 * - `answered`: it had feedback already (the prediction, when the store still knows it);
 * - `kept`: `actual` cannot take the prediction (a class label for a regression prediction, or
 *   `undefined`: look only); the prediction goes on waiting;
 * - `missing`: the store knows no prediction by that key;
 * - `ambiguous`: a trace ID with several predictions (a batch);
 * - `unavailable`: the store could not answer (down, not answering); `error` says why.
 */
export type TakeResult =
  | { readonly state: 'taken' | 'kept'; readonly prediction: StoredPrediction }
  | { readonly state: 'answered'; readonly prediction: StoredPrediction | undefined }
  | { readonly state: 'missing' | 'ambiguous' }
  | { readonly state: 'unavailable'; readonly error: unknown };

/**
 * What a store found when asked to take a business outcome of a prediction (a conversion, a
 * click…). Outcomes are independent of label feedback and of each other: taking one leaves the
 * prediction waiting for its label and for its other outcomes.
 * - `taken`: the prediction is known and had no outcome of this name yet; it now has, in every process sharing the store;
 * - `answered`: the prediction had an outcome of this name already;
 * - `missing`: the store knows no prediction by that ID (never stored, or forgotten);
 * - `unavailable`: the store could not answer (down, not answering); `error` says why.
 *
 * The time to live is the tracker's to judge (from the prediction's `time`), as for feedback: a store
 * takes an outcome of any prediction it still holds.
 */
export type OutcomeTakeResult =
  | { readonly state: 'taken' | 'answered'; readonly prediction: StoredPrediction }
  | { readonly state: 'missing' }
  | { readonly state: 'unavailable'; readonly error: unknown };

/**
 * Where a {@link FeedbackTracker} keeps the predictions waiting for feedback. The tracker's own
 * in-process ring is the default; a shared store (such as the Redis store of
 * `@modelsight/feedback-redis`) lets feedback join on any replica of a service.
 *
 * `add` runs on the prediction path: it returns at once, never throws and never waits for I/O.
 * `take` and `takeByTraceId` take a prediction atomically and at most once across every process
 * sharing the store, and never reject: failures are a `TakeResult` of state `unavailable`.
 *
 * A store given as the tracker's `store` option is taken to be shared by several processes: the tracker
 * then does not report `ml_feedback_pending` (a process cannot know which of its predictions another one
 * answered), and counts only the drops the store reports (`unavailable`).
 */
export interface FeedbackStore {
  /** Remembers a prediction for feedback, copying what it keeps (the object is reused). Returns at once; never throws. */
  add(prediction: PendingPrediction): void;
  /**
   * Takes the prediction with this ID for its feedback. `actual` is the true outcome: a number
   * takes any prediction, a class label (string) only a classification one; `undefined` only
   * looks (the tracker asks so for an invalid outcome, to count it under the prediction's model).
   */
  take(id: string, actual: string | number | undefined): Promise<TakeResult>;
  /** Like `take`, by the trace ID (lower case) of a request that made exactly one prediction. */
  takeByTraceId(traceId: string, actual: string | number | undefined): Promise<TakeResult>;
  /**
   * Takes the outcome `name` of the prediction with this ID, atomically and at most once per
   * (prediction, outcome name) across every process sharing the store. It neither takes the
   * prediction for its label feedback nor is blocked by it: `take` and `takeOutcome` keep apart
   * what they have answered. Never rejects: failures are an {@link OutcomeTakeResult} of state `unavailable`.
   *
   * Optional, so that stores written before outcomes keep working for label feedback; a tracker
   * with declared `outcomes` needs it (its constructor says so).
   * @param name one of the tracker's declared outcome names (at most 64 characters of `A-Z a-z 0-9 _ . : -`).
   */
  takeOutcome?(id: string, name: string): Promise<OutcomeTakeResult>;
}
