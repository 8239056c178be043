/**
 * Bin of `value` for ascending `edges`: the number of edges <= value (numpy
 * `searchsorted(edges, value, side='right')`). So there are `edges.length + 1` bins: bin 0 holds
 * the values below `edges[0]`, bin i the values in `[edges[i-1], edges[i])`, the last bin the
 * values at or above the last edge. Binary search: ⌈log₂(bins)⌉ comparisons, no allocation.
 */
export function binIndex(edges: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((edges[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Counts of `values` per bin of `edges` (see {@link binIndex}); `edges.length + 1` counts.
 * Values that are not finite numbers are skipped.
 */
export function binCounts(values: ArrayLike<number>, edges: ArrayLike<number>): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    const bin = binIndex(edges, v);
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts;
}
