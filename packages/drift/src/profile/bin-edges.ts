import { binIndex } from '../bins';

/**
 * Bin edges for the ascending reference values `sorted` (finite, at least one): `bins` bins of
 * about equal mass inside the reference range, plus an open bin below and one above it.
 *
 * Every edge lies halfway between two adjacent *distinct* reference values, never on one. Data
 * recorded at a fixed resolution (iris petal widths to 0.1 cm, integer counts) repeats values;
 * an edge placed on a repeated value (as a plain quantile lands) puts all of that value's mass in
 * the bin above it, while live values measured a little more or less precisely fall on both sides,
 * and PSI flags drift where there is none. An edge halfway between 0.2 and 0.3 keeps every value
 * within half a step of 0.2 in the same bin as 0.2.
 *
 * - Inner edges: for each target count `i·n/bins`, the boundary between two groups of equal values
 *   nearest to it; when ties make two targets pick the same boundary, the bins merge (fewer bins,
 *   each still holding whole groups of equal values).
 * - Outer edges: half the gap to the nearest distinct value beyond the minimum and the maximum, so
 *   that integers 0…5 get `[-0.5, 0.5, …, 5.5]`; a constant feature gets `[value, nextUp(value)]`.
 *
 * The bins follow {@link binIndex}: bin i holds the values with i edges <= value, so the reference
 * counts the profile stores and the monitor's live counts use the same half-open intervals.
 */
export function binEdges(sorted: ArrayLike<number>, bins: number): number[] {
  const n = sorted.length;
  const min = sorted[0] as number;
  const max = sorted[n - 1] as number;
  if (min === max) return [min, nextUp(max)];

  // Indices k (1 … n-1) where a new value starts: sorted[k-1] < sorted[k].
  const boundaries: number[] = [];
  for (let k = 1; k < n; k++) if ((sorted[k - 1] as number) < (sorted[k] as number)) boundaries.push(k);

  const secondValue = sorted[boundaries[0] as number] as number;
  const secondToLast = sorted[(boundaries[boundaries.length - 1] as number) - 1] as number;
  const below = halfway(min - (secondValue - min), min);
  const edges = [Number.isFinite(below) ? below : min];
  let previous = 0;
  for (let i = 1; i < bins; i++) {
    const k = nearest(boundaries, (i * n) / bins);
    if (k <= previous) continue;
    previous = k;
    edges.push(halfway(sorted[k - 1] as number, sorted[k] as number));
  }
  const above = halfway(max, max + (max - secondToLast));
  edges.push(Number.isFinite(above) ? above : nextUp(max));
  return edges;
}

/** The boundary nearest to `target` (the lower one of two equally near). */
function nearest(boundaries: readonly number[], target: number): number {
  const atOrBelow = binIndex(boundaries, target);
  const below = boundaries[Math.max(atOrBelow - 1, 0)] as number;
  const above = boundaries[Math.min(atOrBelow, boundaries.length - 1)] as number;
  return target - below <= above - target ? below : above;
}

/**
 * A number strictly between `a` < `b`, near their midpoint, written with as few significant digits
 * as that allows: 0.15 between 0.1 and 0.2 rather than 0.15000000000000002, so that bin
 * descriptions read as the data does. Falls back to the exact midpoint (or `b` for adjacent doubles).
 */
export function halfway(a: number, b: number): number {
  const mid = a + (b - a) / 2;
  const tolerance = (b - a) / 10;
  for (let digits = 1; digits <= 17; digits++) {
    const rounded = Number(mid.toPrecision(digits));
    if (rounded > a && rounded < b && Math.abs(rounded - mid) <= tolerance) return rounded;
  }
  return mid > a && mid < b ? mid : b;
}

const scratch = new Float64Array(1);
const scratchBits = new BigInt64Array(scratch.buffer);

/** The smallest double greater than `x` (finite `x`), so that `[x, nextUp(x))` holds `x`. */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  scratch[0] = x;
  scratchBits[0] = (scratchBits[0] as bigint) + (x > 0 ? 1n : -1n);
  return scratch[0] as number;
}
