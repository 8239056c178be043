import { createPredictionCall } from './prediction-call';
import { resolveTracedConfig } from './traced-config';
import type {
  AnyFunction,
  BatchTracedOptions,
  PredictionInfo,
  SingleTracedOptions,
  TracedCallOptions,
  TracedOptions,
} from '../types';

/** What `withPrediction()` returns: the wrapped function's result and the prediction it made. */
export interface ResultWithPrediction<R> {
  /** What the wrapped function returned (awaited, for a promise). */
  readonly result: R;
  /** The prediction's model and IDs. */
  readonly prediction: PredictionInfo;
}

/** A wrapped function: callable exactly as the original, plus `withPrediction`. */
export type TracedFunction<F extends AnyFunction> = F & {
  /**
   * Calls the function like the wrapper does and also returns the prediction's ID and trace ID,
   * to hand back to the client or to join late feedback. A promise-returning function gives a promise.
   */
  withPrediction(
    this: ThisParameterType<F>,
    ...args: Parameters<F>
  ): ReturnType<F> extends PromiseLike<infer R>
    ? Promise<ResultWithPrediction<R>>
    : ResultWithPrediction<ReturnType<F>>;
};

/**
 * Wraps a model's predict function so that every call becomes a span `predict {model.name}` with
 * `ml.model.name`, `ml.model.version`, `ml.prediction.id`, `ml.prediction.confidence` and
 * `ml.prediction.label`, and feeds the prediction metrics.
 *
 * The wrapper keeps the signature and `this`; a sync function stays sync, a promise stays a
 * promise; the function's own errors are recorded on the span and rethrown unchanged. The
 * instrumentation never throws on the prediction path: a broken extractor or an invalid
 * confidence is counted (`ml_instrumentation_errors_total`) and reported once through `diag`.
 * Options are checked here, when wrapping: a bad option throws a `TypeError` naming it.
 *
 * Extractors receive the awaited result of `fn` (one item of it with `batch: true`, which is a type error
 * unless the first parameter of `fn` is an array).
 *
 * @example
 * const predict = traced(model.predict.bind(model), { model: { name: 'iris-classifier', version: '1.4.0' } });
 */
export function traced<F extends AnyFunction>(fn: F, options: SingleTracedOptions<F>): TracedFunction<F>;
export function traced<F extends AnyFunction>(fn: F, options: BatchTracedOptions<F>): TracedFunction<F>;
export function traced<F extends AnyFunction>(fn: F, options: TracedOptions<F>): TracedFunction<F>;
export function traced<F extends AnyFunction>(fn: F, options: TracedOptions<F>): TracedFunction<F> {
  const config = resolveTracedConfig(fn, options as TracedCallOptions);
  const call = createPredictionCall(fn, config);
  const wrapped = function (this: unknown, ...args: unknown[]) {
    return call(this, args, false);
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: fn.length, configurable: true });
  Object.defineProperty(wrapped, 'withPrediction', {
    value: function withPrediction(this: unknown, ...args: unknown[]) {
      return call(this, args, true);
    },
  });
  return wrapped as unknown as TracedFunction<F>;
}
