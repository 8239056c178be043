import { populationStd, sortedFinite } from './sorted-sample';

/** Smallest reference std used by {@link wasserstein}, so that a constant reference does not divide by 0. */
export const MIN_REFERENCE_STD = 0.001;

/**
 * First Wasserstein (earth mover's) distance between two samples, exactly
 * `scipy.stats.wasserstein_distance(reference, current)`, in the feature's own unit.
 *
 * @throws RangeError when a side is empty or holds something other than finite numbers.
 */
export function wassersteinDistance(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  return wassersteinOfSorted(sortedFinite(reference, 'reference'), sortedFinite(current, 'current'));
}

/**
 * Wasserstein distance divided by the reference's standard deviation (ddof 0, at least 0.001),
 * the unit-free `wasserstein` drift method of design.md: 0.1 means the mass moved on average by a
 * tenth of a standard deviation.
 *
 * @throws RangeError when a side is empty or holds something other than finite numbers.
 */
export function wasserstein(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const sortedReference = sortedFinite(reference, 'reference');
  const distance = wassersteinOfSorted(sortedReference, sortedFinite(current, 'current'));
  return distance / Math.max(populationStd(sortedReference), MIN_REFERENCE_STD);
}

/** ∫ |F_a − F_b| dx for two non-empty ascending arrays (scipy `_cdf_distance` with p = 1). */
export function wassersteinOfSorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let sum = 0;
  // Walk the pooled sorted values; between consecutive pooled values both CDFs are constant.
  let previous = Math.min(a[0] as number, b[0] as number);
  while (i < n1 || j < n2) {
    const va = i < n1 ? (a[i] as number) : Infinity;
    const vb = j < n2 ? (b[j] as number) : Infinity;
    const v = Math.min(va, vb);
    sum += Math.abs(i / n1 - j / n2) * (v - previous);
    previous = v;
    if (va <= vb) i++;
    else j++;
  }
  return sum;
}
