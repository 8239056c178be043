import type { TestResult } from './chi-square';
import { kolmogorovSurvival } from './kolmogorov-distribution';
import { sortedFinite } from './sorted-sample';

/**
 * Two-sample Kolmogorov–Smirnov test, as `scipy.stats.ks_2samp(reference, current,
 * method='asymp')`: the statistic is the largest distance between the two empirical CDFs (ties
 * handled as scipy does), the p-value is `kstwo.sf(D, round(m·n / (m + n)))`.
 *
 * @throws RangeError when a side is empty or holds something other than finite numbers.
 */
export function ksTest(reference: ArrayLike<number>, current: ArrayLike<number>): TestResult {
  return ksOfSorted(sortedFinite(reference, 'reference'), sortedFinite(current, 'current'));
}

/** {@link ksTest} on two non-empty, ascending arrays. */
export function ksOfSorted(a: ArrayLike<number>, b: ArrayLike<number>): TestResult {
  const statistic = ksStatisticOfSorted(a, b);
  return { statistic, pValue: ksAsymptoticPValue(statistic, a.length, b.length) };
}

/** D = sup |F_a − F_b| over the pooled values, for two ascending arrays. */
export function ksStatisticOfSorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let max = 0;
  let min = 0;
  // At each distinct pooled value v, both CDFs count the values <= v (searchsorted side='right').
  while (i < n1 || j < n2) {
    const va = i < n1 ? (a[i] as number) : Infinity;
    const vb = j < n2 ? (b[j] as number) : Infinity;
    const v = Math.min(va, vb);
    while (i < n1 && (a[i] as number) <= v) i++;
    while (j < n2 && (b[j] as number) <= v) j++;
    const diff = i / n1 - j / n2;
    if (diff > max) max = diff;
    if (diff < min) min = diff;
  }
  const minS = Math.min(Math.max(-min, 0), 1);
  return Math.max(minS, max);
}

/** Round half to even, as numpy's `np.round`. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** scipy's `method='asymp'` two-sided p-value for sample sizes n1, n2. */
export function ksAsymptoticPValue(statistic: number, n1: number, n2: number): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  return kolmogorovSurvival(roundHalfEven(en), statistic);
}
