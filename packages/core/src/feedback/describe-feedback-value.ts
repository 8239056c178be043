/** A short, bounded description of a value a caller passed as feedback, for a warning. */
export function describeFeedbackValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** Whether a store answered in a promise (a shared store) rather than at once (the tracker's own). */
export const isPromise = <T>(value: T | Promise<T>): value is Promise<T> =>
  typeof (value as Promise<T>)?.then === 'function';
