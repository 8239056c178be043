import { isPromise } from './describe-feedback-value';

/**
 * Runs a join so that it never throws nor rejects at the caller: what `run` throws or rejects
 * with becomes `failed(error)`. With a shared store the answer is always a promise, also when the
 * report is refused before the store is asked, so that callers see one type.
 */
export function settleJoin<T>(
  shared: boolean,
  run: () => T | Promise<T>,
  failed: (error: unknown) => T,
): T | Promise<T> {
  let result: T | Promise<T>;
  try {
    result = run();
    if (isPromise(result)) result = result.then(undefined, failed);
  } catch (error) {
    result = failed(error);
  }
  if (shared && !isPromise(result)) result = Promise.resolve(result);
  return result;
}
