import {
  context,
  INVALID_SPANID,
  INVALID_TRACEID,
  isSpanContextValid,
  SpanKind,
  SpanStatusCode,
  trace,
  ROOT_CONTEXT,
  type Context,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';
import { batchItems } from './batch-items';
import { ClassIndexError } from '../extraction/default-extractors';
import { setFeatureAttributes } from './feature-attributes';
import type { InstrumentationErrorReason } from '../metrics/model-stats';
import { contextWithPrediction } from './prediction-context';
import { nextPredictionId } from './prediction-id';
import { recordedException } from './recorded-exception';
import { ReportOnce } from '../errors/report-once';
import {
  ATTR_ERROR_TYPE,
  ATTR_ML_BATCH_SIZE,
  ATTR_ML_PREDICTION_CONFIDENCE,
  ATTR_ML_PREDICTION_ID,
  ATTR_ML_PREDICTION_LABEL,
} from '../semconv';
import type { TracedConfig } from './traced-config';
import type { ModelTask, PredictionInfo, PredictionRecord, PredictionStatus } from '../types';
import { describeValue, looksLikeRegression } from '../extraction/value-description';

/**
 * Calls the wrapped function once; `withInfo` asks for `{ result, prediction }` instead of the result.
 * `link`: the span starts a trace of its own, linked to that span (work done off the request path).
 * `tag` is handed to the settle hook as it is.
 */
export type PredictionCall = (
  thisArg: unknown,
  args: unknown[],
  withInfo: boolean,
  link?: SpanContext,
  tag?: unknown,
) => unknown;

/**
 * Sees a single (non-batch) call end while its span is still open, so that it can add events to it:
 * `ok` and the result (or the error), the wall time, the label found on the result, and the call's tag.
 * It must not throw (what it throws is counted as an instrumentation error).
 */
export type SettleHook = (
  span: Span,
  ok: boolean,
  seconds: number,
  label: string | undefined,
  outcome: unknown,
  tag: unknown,
) => void;

const NO_ITEM_IDS: readonly string[] = Object.freeze([]);
const WHOLE_NUMBER = /^[-+]?\d+$/;

/** The trace ID for observers: none when no SDK gave the span a valid context. Checked off the hot path. */
function traceIdOf(span: Span, info: PredictionInfo): string | undefined {
  return isSpanContextValid(span.spanContext()) ? info.traceId : undefined;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    return typeof (value as { then?: unknown }).then === 'function';
  } catch {
    // A result whose `then` cannot be read (a Proxy, a throwing getter) is no promise; the model's
    // result is still returned as it is, and the span still ends.
    return false;
  }
}

/** `error.type` per the semantic conventions: the class name of the error, or `_OTHER`. */
function errorType(error: unknown): string {
  try {
    if (error instanceof Error) {
      const className = error.constructor?.name;
      return className && className !== 'Object' ? className : error.name || 'Error';
    }
  } catch {
    // An error whose properties cannot be read (a Proxy, a throwing getter) has no type to tell.
  }
  return '_OTHER';
}

/**
 * Builds the function that runs one prediction: span, context, timing, running totals,
 * confidence and label, observers. Everything that depends only on the options was resolved in
 * `config`; what runs per call allocates little and never throws at the caller.
 */
export function createPredictionCall(
  fn: (...args: unknown[]) => unknown,
  config: TracedConfig,
  onSettle?: SettleHook,
): PredictionCall {
  const { stats, tracer, spanName, baseAttributes, observers, model } = config;
  const reporter = new ReportOnce();
  const wantsFeatures = config.features !== undefined && (observers.length > 0 || config.captureFeatures);
  // Regression models have neither; a classifier with neither is told once which options fix it.
  let checkEmpty = config.task !== 'regression' && config.expectLabel;
  /** Whether reading the current result's confidence or label failed (and was reported). */
  let readFailed = false;
  const mayBeBatch = config.batch || config.batchSize !== undefined;

  function instrumentationError(
    reason: InstrumentationErrorReason,
    message: string,
    detail?: unknown,
    cause: string = reason,
  ): void {
    stats.countInstrumentationError(reason);
    reporter.report(
      cause,
      `${message} (model ${model.name} ${model.version}); the prediction goes on without it`,
      detail,
    );
  }

  /** Once per wrapper: predictions give neither a label nor a confidence, and nothing says the model predicts numbers. */
  function noLabelNorConfidence(result: unknown): void {
    // Nothing returned is nothing to describe; a failed extractor was reported already.
    if (result === undefined || result === null || readFailed || looksLikeRegression(result)) return;
    checkEmpty = false;
    const fixes =
      config.customLabel || config.customConfidence
        ? '`label` / `confidence` extractors that find them'
        : '`classes` when it returns class indices, or `label` / `confidence` extractors for other shapes';
    reporter.report(
      'no-label-no-confidence',
      `predictions of ${model.name} ${model.version} give neither a label nor a confidence (the result is ${describeValue(result)}); ` +
        `set ${fixes}, or \`task: 'regression'\` if the model predicts numbers`,
    );
  }

  /** The task for observers: the option, else classification when whole-number labels come from `classes` or a label extractor. */
  function taskOf(label: string | undefined): ModelTask | undefined {
    if (config.task !== undefined || !config.labelMeansClass || label === undefined) return config.task;
    return WHOLE_NUMBER.test(label) || config.classes !== undefined ? 'classification' : undefined;
  }

  function readConfidence(result: unknown): number | undefined {
    let raw: unknown;
    readFailed = false;
    try {
      raw = config.confidence(result);
    } catch (error) {
      readFailed = true;
      instrumentationError('confidence_extractor', 'the confidence extractor threw', error);
      return undefined;
    }
    if (raw === undefined || raw === null) return undefined;
    // NaN fails both comparisons.
    if (typeof raw === 'number' && raw >= 0 && raw <= 1) return raw;
    readFailed = true;
    instrumentationError(
      'invalid_confidence',
      `confidence must be a finite number in [0, 1]; got ${String(raw)} (${typeof raw})`,
    );
    return undefined;
  }

  function readLabel(result: unknown): string | undefined {
    let raw: unknown;
    try {
      raw = config.label(result);
    } catch (error) {
      readFailed = true;
      if (error instanceof ClassIndexError)
        instrumentationError('invalid_label', error.message, undefined, `class:${error.message}`);
      else instrumentationError('label_extractor', 'the label extractor threw', error);
      return undefined;
    }
    if (typeof raw === 'string') return raw;
    if (raw === undefined || raw === null) return undefined;
    if ((typeof raw === 'number' && Number.isFinite(raw)) || typeof raw === 'boolean') return String(raw);
    readFailed = true;
    instrumentationError('invalid_label', `a label must be a string or a finite number; got ${typeof raw}`);
    return undefined;
  }

  function readFeatures(args: unknown[]): unknown {
    try {
      return config.features!(...args);
    } catch (error) {
      instrumentationError('features_extractor', 'the features extractor threw', error);
      return undefined;
    }
  }

  function notify(record: PredictionRecord): void {
    for (const observer of observers) {
      try {
        observer.onPrediction(record);
      } catch (error) {
        instrumentationError(
          'observer',
          `a prediction observer (${observer.constructor?.name ?? 'object'}) threw`,
          error,
        );
      }
    }
  }

  function itemFeatures(
    features: unknown,
    index: number,
    size: number,
    batch: boolean,
  ): Readonly<Record<string, unknown>> | undefined {
    if (!batch) return features as Record<string, unknown> | undefined;
    if (Array.isArray(features) && features.length === size)
      return features[index] as Record<string, unknown> | undefined;
    return undefined;
  }

  /** Running totals, span attributes and observers for a call that returned. */
  function completed(
    span: Span,
    info: PredictionInfo,
    result: unknown,
    features: unknown,
    size: number,
    seconds: number,
    batch: boolean,
    tag: unknown,
  ): void {
    stats.active--;
    stats.recordDuration(seconds);
    if (batch) {
      completedBatch(span, info, result, features, size, seconds);
      return;
    }
    const recording = span.isRecording();
    const confidence = readConfidence(result);
    const label = readLabel(result);
    if (checkEmpty && confidence === undefined && label === undefined) noLabelNorConfidence(result);
    stats.ok++;
    if (confidence !== undefined) stats.confidence.record(confidence);
    if (recording) {
      if (confidence !== undefined) span.setAttribute(ATTR_ML_PREDICTION_CONFIDENCE, confidence);
      if (label !== undefined) span.setAttribute(ATTR_ML_PREDICTION_LABEL, label);
    }
    if (onSettle !== undefined) onSettle(span, true, seconds, label, result, tag);
    span.end();
    if (observers.length > 0) {
      notify(
        record(
          info.predictionId,
          traceIdOf(span, info),
          info.spanId,
          'ok',
          label,
          confidence,
          result,
          itemFeatures(features, 0, 1, false),
          seconds,
        ),
      );
    }
  }

  /** The batch part of {@link completed}, apart so that single calls run the smaller function. */
  function completedBatch(
    span: Span,
    info: PredictionInfo,
    result: unknown,
    features: unknown,
    size: number,
    seconds: number,
  ): void {
    span.end();
    stats.ok += size;
    const items = batchItems(result, size);
    if (items === undefined) {
      instrumentationError(
        'batch_shape',
        `a batch call must return an array (or a tensor) of as many items as its input (${size} items)`,
      );
      return;
    }
    const traceId = observers.length > 0 ? traceIdOf(span, info) : undefined;
    for (let i = 0; i < size; i++) {
      const item = items[i];
      const confidence = readConfidence(item);
      if (confidence !== undefined) stats.confidence.record(confidence);
      if (observers.length > 0 || (checkEmpty && confidence === undefined)) {
        const label = readLabel(item);
        if (checkEmpty && confidence === undefined && label === undefined) noLabelNorConfidence(item);
        if (observers.length > 0) {
          notify(
            record(
              info.itemIds[i]!,
              traceId,
              info.spanId,
              'ok',
              label,
              confidence,
              item,
              itemFeatures(features, i, size, true),
              seconds,
            ),
          );
        }
      }
    }
  }

  /** Running totals, span status and observers for a call that threw or rejected. */
  function failed(
    span: Span,
    info: PredictionInfo,
    error: unknown,
    features: unknown,
    size: number,
    seconds: number,
    batch: boolean,
    tag: unknown,
  ): void {
    stats.active--;
    stats.recordDuration(seconds);
    stats.error += size;
    if (span.isRecording()) {
      const type = errorType(error);
      const { exception, description } = recordedException(error, type, config.recordExceptionMessages);
      span.recordException(exception);
      span.setAttribute(ATTR_ERROR_TYPE, type);
      span.setStatus({ code: SpanStatusCode.ERROR, message: description });
    }
    if (onSettle !== undefined && !batch) onSettle(span, false, seconds, undefined, error, tag);
    span.end();
    if (observers.length > 0) {
      const traceId = traceIdOf(span, info);
      for (let i = 0; i < size; i++) {
        const id = batch ? info.itemIds[i]! : info.predictionId;
        notify(
          record(
            id,
            traceId,
            info.spanId,
            'error',
            undefined,
            undefined,
            undefined,
            itemFeatures(features, i, size, batch),
            seconds,
          ),
        );
      }
    }
  }

  function record(
    predictionId: string,
    traceId: string | undefined,
    spanId: string,
    status: PredictionStatus,
    label: string | undefined,
    confidence: number | undefined,
    output: unknown,
    features: Readonly<Record<string, unknown>> | undefined,
    durationSeconds: number,
  ): PredictionRecord {
    return {
      model,
      predictionId,
      traceId,
      spanId: traceId === undefined ? undefined : spanId,
      status,
      label,
      confidence,
      output,
      features,
      durationSeconds,
      endTime: Date.now(),
      task: taskOf(label),
    };
  }

  /** Ends the prediction; a fault in the instrumentation is reported, never thrown at the caller. */
  function settle(
    span: Span,
    info: PredictionInfo,
    ok: boolean,
    outcome: unknown,
    features: unknown,
    size: number,
    batch: boolean,
    start: number,
    tag: unknown,
  ): void {
    const seconds = (performance.now() - start) / 1000;
    try {
      if (ok) completed(span, info, outcome, features, size, seconds, batch, tag);
      else failed(span, info, outcome, features, size, seconds, batch, tag);
    } catch (error) {
      instrumentationError('internal', 'recording the prediction failed', error);
      // The span always ends, also when recording what happened failed half-way.
      try {
        if (span.isRecording()) span.end();
      } catch {
        // A tracer of the user's that cannot end its span: nothing more to do.
      }
    }
  }

  /** What a call needs once its span is started. */
  interface Started {
    readonly span: Span;
    readonly info: PredictionInfo;
    readonly ctx: Context;
    readonly features: unknown;
    readonly size: number;
    readonly batch: boolean;
  }

  /** Starts the span and gathers what the call needs; may throw (a user's tracer or features object). */
  function begin(args: unknown[], link: SpanContext | undefined): Started {
    const parent = link === undefined ? context.active() : ROOT_CONTEXT;
    const span = tracer.startSpan(
      spanName,
      link === undefined
        ? { kind: SpanKind.INTERNAL, attributes: baseAttributes }
        : { kind: SpanKind.INTERNAL, attributes: baseAttributes, root: true, links: [{ context: link }] },
      parent,
    );
    try {
      return prepare(span, parent, args);
    } catch (error) {
      // The prediction then runs uninstrumented: its span must not stay open (and active in the metrics).
      span.end();
      throw error;
    }
  }

  /** Everything a started span needs before the call; may throw (a features object whose getters throw). */
  function prepare(span: Span, parent: Context, args: unknown[]): Started {
    const predictionId = nextPredictionId();
    const recording = span.isRecording();
    if (recording) span.setAttribute(ATTR_ML_PREDICTION_ID, predictionId);

    let size = 1;
    let itemIds = NO_ITEM_IDS;
    let batch = false;
    if (mayBeBatch) {
      const items = itemCount(args);
      batch = config.batch || items !== undefined;
      if (batch) {
        // A `batch: true` call without an array is one item: it still gets an item ID, as observers key on it.
        size = items ?? 1;
        const ids = new Array<string>(size);
        for (let i = 0; i < size; i++) ids[i] = `${predictionId}.${i}`;
        itemIds = ids;
        if (recording) span.setAttribute(ATTR_ML_BATCH_SIZE, size);
        stats.batchSize.record(size);
      }
    }
    if (recording && config.attributes !== undefined) setCallAttributes(span, args);
    const features = wantsFeatures ? readFeatures(args) : undefined;
    if (recording && config.captureFeatures && !batch && features !== null && typeof features === 'object') {
      setFeatureAttributes(span, features as Record<string, unknown>, config.redactFeatures, config.maxFeatureLength);
    }

    const spanContext = span.spanContext();
    const info: PredictionInfo = {
      model,
      predictionId,
      itemIds,
      traceId: spanContext.traceId,
      spanId: spanContext.spanId,
    };
    return { span, info, ctx: contextWithPrediction(trace.setSpan(parent, span), info), features, size, batch };
  }

  /**
   * Items of a call that may be a batch: the length of its first argument (`batch: true`), or what the
   * `batch` function says. `undefined`: a single prediction, or a batch call without an array (reported).
   */
  function itemCount(args: unknown[]): number | undefined {
    if (config.batchSize === undefined) {
      const input = args[0];
      if (Array.isArray(input)) return input.length;
      instrumentationError(
        'batch_shape',
        'a batch call must take an array as its first argument; counted as one prediction',
      );
      return undefined;
    }
    try {
      return config.batchSize(args);
    } catch (error) {
      instrumentationError(
        'batch_shape',
        'the batch size of a call could not be read; counted as one prediction',
        error,
      );
      return undefined;
    }
  }

  function setCallAttributes(span: Span, args: unknown[]): void {
    try {
      const attributes = config.attributes!(...args);
      if (attributes) span.setAttributes(attributes);
    } catch (error) {
      instrumentationError('internal', 'the attributes option threw', error, 'attributes');
    }
  }

  /** The prediction still runs when the instrumentation cannot start; only what it would have recorded is lost, and counted. */
  function uninstrumented(thisArg: unknown, args: unknown[], withInfo: boolean, error: unknown): unknown {
    instrumentationError('internal', 'starting the prediction span failed', error);
    const result = fn.apply(thisArg, args);
    if (!withInfo) return result;
    const prediction: PredictionInfo = {
      model,
      predictionId: nextPredictionId(),
      itemIds: NO_ITEM_IDS,
      traceId: INVALID_TRACEID,
      spanId: INVALID_SPANID,
    };
    return isPromiseLike(result)
      ? Promise.resolve(result).then((value) => ({ result: value, prediction }))
      : { result, prediction };
  }

  return function predictionCall(thisArg, args, withInfo, link, tag) {
    let started: Started;
    try {
      started = begin(args, link);
    } catch (error) {
      return uninstrumented(thisArg, args, withInfo, error);
    }
    const { span, info, ctx, features, size, batch } = started;
    stats.active++;
    const start = performance.now();
    let result: unknown;
    try {
      // `Reflect.apply` with the arguments as they are: the context manager then neither binds `thisArg`
      // (a bound function per call, for the instrumentations' method calls) nor spreads the arguments twice.
      result = context.with(ctx, Reflect.apply, undefined, fn, thisArg, args);
    } catch (error) {
      settle(span, info, false, error, features, size, batch, start, tag);
      throw error;
    }
    if (isPromiseLike(result)) {
      return Promise.resolve(result).then(
        (value) => {
          settle(span, info, true, value, features, size, batch, start, tag);
          return withInfo ? { result: value, prediction: info } : value;
        },
        (error: unknown) => {
          settle(span, info, false, error, features, size, batch, start, tag);
          throw error;
        },
      );
    }
    settle(span, info, true, result, features, size, batch, start, tag);
    return withInfo ? { result, prediction: info } : result;
  };
}
