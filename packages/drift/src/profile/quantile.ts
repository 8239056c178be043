/**
 * Quantile `q` in [0, 1] of an ascending array by linear interpolation between order statistics,
 * the default of `numpy.quantile` (Hyndman & Fan type 7), including numpy's way of interpolating
 * from the nearer end so that results are monotone.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const position = (n - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, n - 1);
  const t = position - below;
  const a = sorted[below] as number;
  const b = sorted[above] as number;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

const scratch = new Float64Array(1);
const scratchBits = new BigInt64Array(scratch.buffer);

/** The smallest double greater than `x` (finite `x`), so that `[min, nextUp(max))` holds `max`. */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  scratch[0] = x;
  scratchBits[0] = (scratchBits[0] as bigint) + (x > 0 ? 1n : -1n);
  return scratch[0] as number;
}
