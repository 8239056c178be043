/**
 * Copies the finite numbers of `values` into a new sorted Float64Array.
 * @throws RangeError naming the argument when a value is not a finite number, or there is none.
 */
export function sortedFinite(values: ArrayLike<number>, what: string): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${what}[${i}] must be a finite number, got ${String(v)}`);
    }
    out[i] = v;
  }
  if (out.length === 0) throw new RangeError(`${what} must not be empty`);
  return out.sort();
}

/** Population standard deviation (ddof 0) of a list of numbers, in two passes for accuracy. */
export function populationStd(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i] as number;
  mean /= n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean;
    squares += d * d;
  }
  return Math.sqrt(squares / n);
}
