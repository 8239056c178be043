import type { Tracer } from '@opentelemetry/api';
import type { PredictionMetricsRegistry } from './prediction-metrics-registry';

/** The model a prediction comes from. Both fields become span attributes and metric labels. */
export interface ModelIdentity {
  /** `ml.model.name`, e.g. `iris-classifier`. Required, non-empty. */
  readonly name: string;
  /** `ml.model.version`, e.g. `1.4.0`. Required, non-empty. */
  readonly version: string;
}

/** What a model predicts: a class (`classification`) or a number (`regression`). */
export type ModelTask = 'classification' | 'regression';

/** Whether a prediction returned (`ok`) or threw / rejected (`error`). */
export type PredictionStatus = 'ok' | 'error';

/**
 * One prediction as seen by a {@link PredictionObserver}: one call of a wrapped function,
 * or one item of a batch call.
 */
export interface PredictionRecord {
  readonly model: ModelIdentity;
  /** Unique ID of this prediction (`ml.prediction.id`); for a batch item, `<batch id>.<index>`. */
  readonly predictionId: string;
  /** Trace ID of the prediction span (also when the span is not sampled); `undefined` when no SDK is registered. */
  readonly traceId: string | undefined;
  /** Span ID of the prediction span, when `traceId` is set. Observers run after it ended. */
  readonly spanId: string | undefined;
  readonly status: PredictionStatus;
  /** Predicted label, when it could be found on the result. */
  readonly label: string | undefined;
  /** Confidence in [0, 1], when it could be found on the result. */
  readonly confidence: number | undefined;
  /** The result (or the batch item's result) as the model returned it; `undefined` on error. */
  readonly output: unknown;
  /** The features given by the `features` option for this call or item, unredacted. */
  readonly features: Readonly<Record<string, unknown>> | undefined;
  /** Wall time of the whole call in seconds (shared by every item of a batch). */
  readonly durationSeconds: number;
  /** When the prediction ended, in milliseconds since the epoch. */
  readonly endTime: number;
  /** The task given to `traced()`, or `undefined`: observers then infer it from the output. */
  readonly task: ModelTask | undefined;
}

/**
 * Something that wants to see every prediction: a drift monitor, a feedback tracker.
 * Called synchronously after the wrapped function returns, once per item; it must be cheap.
 * An observer that throws is reported once through `diag` and never affects the caller.
 */
export interface PredictionObserver {
  onPrediction(record: PredictionRecord): void;
}

/** What a caller can learn about the prediction it just made, to return to its client or to join late feedback. */
export interface PredictionInfo {
  readonly model: ModelIdentity;
  /** `ml.prediction.id` of the call. */
  readonly predictionId: string;
  /** IDs of the items of a batch call (`<predictionId>.<index>`); empty for a single call. */
  readonly itemIds: readonly string[];
  /** Trace ID (32 hex characters) of the prediction span; all zeros when no SDK is registered. */
  readonly traceId: string;
  /** Span ID (16 hex characters) of the prediction span. */
  readonly spanId: string;
}

/** Finds a value (confidence or label) on a result. Return `undefined` when there is none. */
export type ResultExtractor<T> = (result: unknown) => T | undefined;

/** Options of {@link traced}. */
export interface TracedOptions<Args extends unknown[] = unknown[]> {
  /** The model that makes the predictions. Required. */
  readonly model: ModelIdentity;
  /**
   * The operation word of the span name, `{operation} {model.name}`.
   * @default 'predict'
   */
  readonly operation?: string;
  /**
   * The wrapped function takes an array and returns an array of the same length:
   * one span per call with `ml.batch.size`, metrics and observers per item.
   * @default false
   */
  readonly batch?: boolean;
  /**
   * Finds the confidence on a result (a batch item's result in batch mode).
   * @default `confidence`, then `score`, then the largest of `probabilities`
   */
  readonly confidence?: ResultExtractor<number>;
  /**
   * Finds the label on a result (a batch item's result in batch mode).
   * @default `label`, then `class`, then `prediction` (strings, or finite numbers turned into strings)
   */
  readonly label?: ResultExtractor<string>;
  /**
   * Turns the call's arguments into named features, for observers and for feature capture.
   * In batch mode it returns one record per item.
   * @default none: observers see `features: undefined`
   */
  readonly features?: (...args: Args) => Record<string, unknown> | ReadonlyArray<Record<string, unknown>> | undefined;
  /**
   * Put the features on the span as `ml.feature.<name>` attributes (single calls only).
   * Env: `MODELSIGHT_CAPTURE_FEATURES=true`.
   * @default false
   */
  readonly captureFeatures?: boolean;
  /**
   * Feature names never captured on spans, whatever `captureFeatures` says. Matched exactly.
   * Env: `MODELSIGHT_REDACT_FEATURES` (comma-separated, added to this list).
   * @default []
   */
  readonly redactFeatures?: readonly string[];
  /**
   * Longest string kept in a captured feature attribute; longer ones are cut.
   * @default 256
   */
  readonly maxFeatureLength?: number;
  /**
   * Record the message of an error the prediction throws on its span (exception event and status
   * description). Messages often quote the input that caused them, so by default a failed prediction's
   * span gets the exception type and the stack frames only, and the type as status description; the error
   * the caller receives is never changed. Env: `MODELSIGHT_RECORD_EXCEPTION_MESSAGES=true`.
   * @default false
   */
  readonly recordExceptionMessages?: boolean;
  /**
   * What the model predicts, for observers that judge predictions against late ground truth.
   * @default undefined: inferred by observers from the outputs
   */
  readonly task?: ModelTask;
  /** Receive every prediction (drift monitors, feedback trackers). @default [] */
  readonly observers?: readonly PredictionObserver[];
  /** Tracer for the prediction spans. @default `trace.getTracer('@modelsight/core')`, which follows the global provider */
  readonly tracer?: Tracer;
  /**
   * Where the running totals of the prediction metrics are kept; export it with
   * `predictionMetricProducer({ registry })`.
   * @default the process-wide registry, exported by the producer that the preload registers
   */
  readonly registry?: PredictionMetricsRegistry;
}
