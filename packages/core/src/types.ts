import type { Attributes, Tracer } from '@opentelemetry/api';
import type { PredictionMetricsRegistry } from './metrics/prediction-metrics-registry';

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
  /** The model of the wrapped function. */
  readonly model: ModelIdentity;
  /** Unique ID of this prediction (`ml.prediction.id`); for a batch item, `<batch id>.<index>`. */
  readonly predictionId: string;
  /** Trace ID of the prediction span (also when the span is not sampled); `undefined` when no SDK is registered. */
  readonly traceId: string | undefined;
  /** Span ID of the prediction span, when `traceId` is set. Observers run after it ended. */
  readonly spanId: string | undefined;
  /** `ok` when the call returned, `error` when it threw or rejected. */
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
  /** Sees one prediction (one item of a batch call), after its span ended. */
  onPrediction(record: PredictionRecord): void;
}

/** What a caller can learn about the prediction it just made, to return to its client or to join late feedback. */
export interface PredictionInfo {
  /** The model of the wrapped function. */
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

/** Any function, whatever its `this`, parameters and result: what {@link traced} accepts. */
// biome-ignore lint/suspicious/noExplicitAny: any function at all: its parameters and result are the caller's
export type AnyFunction = (this: any, ...args: any[]) => any;

/** What a call of `F` gives once awaited: the result extractors receive it (an item of it in batch mode). */
export type TracedResult<F extends AnyFunction> = Awaited<ReturnType<F>>;

/** One item of a batch result: the element type of an array or typed array, else `unknown`. */
export type BatchItem<R> = R extends ReadonlyArray<infer I> ? I : R extends ArrayLike<infer I> ? I : unknown;

/** Finds a value (confidence or label) on a result `R`. Return `undefined` when there is none. */
export type ResultExtractor<T, R = unknown> = (result: R) => T | undefined;

/** A label as an extractor may give it: a string, or a number or boolean turned into a string. */
export type LabelValue = string | number | boolean;

/**
 * `true` when the first parameter of `F` may be an array (`number[][]`, `number[][] | Matrix`, `unknown`):
 * only then may `batch` be `true`.
 */
type BatchFlag<F extends AnyFunction> = unknown extends Parameters<F>[0]
  ? true
  : [Extract<Parameters<F>[0], readonly unknown[]>] extends [never]
    ? never
    : true;

/** Options of {@link traced} that do not depend on batch mode. */
export interface TracedOptionsBase<Args extends unknown[] = unknown[]> {
  /** The model that makes the predictions. Required. */
  readonly model: ModelIdentity;
  /**
   * The operation word of the span name, `{operation} {model.name}`.
   * @default 'predict'
   */
  readonly operation?: string;
  /**
   * Names of the class indices, index 0 first: a class index found on a result (`0`, `[0]`,
   * `BigInt64Array [1n]`, the argmax of a probability vector) becomes `classes[index]` as the label.
   * Giving it also tells feedback that the model is a classifier.
   * @default none: an argmax becomes its index as a string; a bare class index gives no label
   */
  readonly classes?: readonly string[];
  /**
   * Turns the call's arguments into named features, for observers and for feature capture.
   * In batch mode it returns one record per item.
   * @default none: observers see `features: undefined`
   */
  readonly features?: (...args: Args) => Record<string, unknown> | ReadonlyArray<Record<string, unknown>> | undefined;
  /**
   * More span attributes of a call, from its arguments (input shapes, say), set when the span starts.
   * Never metric labels. Called on every call, so keep it cheap.
   * @default none
   */
  readonly attributes?: (...args: Args) => Attributes | undefined;
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
   * `'regression'` also silences the warning about predictions without label or confidence.
   * @default `'classification'` when `classes` or a `label` extractor is given and the label is a
   * whole number; otherwise inferred by observers from the outputs
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

/** Options of {@link traced} for a function that makes one prediction per call. */
export interface SingleTracedOptions<F extends AnyFunction = AnyFunction> extends TracedOptionsBase<Parameters<F>> {
  /** Absent or `false`: each call is one prediction. @default false */
  readonly batch?: false;
  /**
   * Finds the confidence on a result.
   * @default `confidence`, `score`, the max of per-class probabilities (see the README)
   */
  readonly confidence?: ResultExtractor<number, TracedResult<F>>;
  /**
   * Finds the label on a result.
   * @default `label`, `class`, `prediction`, a class index named by `classes`, the argmax of probabilities (see the README)
   */
  readonly label?: ResultExtractor<LabelValue, TracedResult<F>>;
}

/**
 * Options of {@link traced} for a function that takes an array and returns one of the same length:
 * one span per call with `ml.batch.size`, metrics and observers per item. A type error when the
 * first parameter of `F` is not an array.
 */
export interface BatchTracedOptions<F extends AnyFunction = AnyFunction> extends TracedOptionsBase<Parameters<F>> {
  /** `true`: every call takes an array of items and returns as many results. */
  readonly batch: BatchFlag<F>;
  /** Finds the confidence on one item of the result. @default as for a single call */
  readonly confidence?: ResultExtractor<number, BatchItem<TracedResult<F>>>;
  /** Finds the label on one item of the result. @default as for a single call */
  readonly label?: ResultExtractor<LabelValue, BatchItem<TracedResult<F>>>;
}

/**
 * Options of {@link traced}: `model` is required; extractors receive the wrapped function's awaited
 * result (one item of it when `batch` is `true`).
 */
export type TracedOptions<F extends AnyFunction = AnyFunction> = SingleTracedOptions<F> | BatchTracedOptions<F>;

/**
 * Options of {@link createTracedCall}: those of `traced()`, except that batch mode may be decided on
 * each call. For instrumentations of ML runtimes, whose calls are batches or single predictions
 * depending on the input.
 */
export interface TracedCallOptions extends TracedOptionsBase<unknown[]> {
  /**
   * `true`: every call takes an array of items. A function: the number of items of this call (a batch),
   * or `undefined` for a single prediction; for a batch, the result is split into items (an array, a
   * typed array, a tensor of shape `[items, …]`, or an object of such tensors).
   * @default false
   */
  readonly batch?: boolean | ((args: readonly unknown[]) => number | undefined);
  /**
   * Whether the predictions should give a label or a confidence: when none does, a `diag` warning says
   * so once, naming the options that fix it. `false` for outputs that are no classification (generated
   * text, embeddings).
   * @default true
   */
  readonly expectLabel?: boolean;
  /** Finds the confidence on a result or batch item. @default as in `traced()` */
  readonly confidence?: ResultExtractor<number>;
  /** Finds the label on a result or batch item. @default as in `traced()` */
  readonly label?: ResultExtractor<LabelValue>;
}
