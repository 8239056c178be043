import { createPredictionCall } from './prediction-call';
import { resolveTracedConfig } from './traced-config';
import type { TracedCallOptions } from '../types';

/** One call of a function as `traced()` makes it: `call(thisArg, args)` returns what `fn` returns. */
export type TracedCall = (thisArg: unknown, args: unknown[]) => unknown;

/**
 * What `traced()` is built on, for instrumentations that patch a library's method instead of wrapping a
 * function the user holds: each call becomes the same span `predict {model.name}` with the same
 * attributes, feeds the same prediction metrics and observers, and never throws at the caller.
 * Batch mode may be decided per call (`batch: (args) => items | undefined`), and `attributes(…args)`
 * adds attributes of the call (input shapes, say).
 *
 * Options are checked here, as by `traced()`: a bad option throws a `TypeError` naming it.
 *
 * @example
 * const call = createTracedCall(original, { model: { name: 'iris', version: '1' }, tracer });
 * patched = function (...args) { return call(this, args); };
 */
export function createTracedCall(fn: (...args: never[]) => unknown, options: TracedCallOptions): TracedCall {
  const call = createPredictionCall(fn as (...args: unknown[]) => unknown, resolveTracedConfig(fn, options));
  return (thisArg, args) => call(thisArg, args, false);
}
