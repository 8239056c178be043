import { chiSquareSurvival } from './gamma';
import { checkedBinTotals, EMPTY_BIN_PROPORTION } from './proportions';

/** Result of a goodness-of-fit test. */
export interface TestResult {
  /** The test statistic. */
  readonly statistic: number;
  /** Probability of a statistic at least this large if the current data came from the reference. */
  readonly pValue: number;
}

/**
 * Pearson's chi-square goodness-of-fit test of the `current` counts against the `reference`
 * distribution, as `scipy.stats.chisquare(current, expected)` where `expected` is the reference
 * proportions (a zero replaced by 1e-4, then renormalised) times the number of current values.
 * Degrees of freedom: number of bins − 1. `reference` may be counts or proportions; `current`
 * must be counts.
 *
 * @throws RangeError when the lengths differ, there are fewer than 2 bins, a value is negative or
 * not finite, or a side sums to 0.
 */
export function chiSquareTest(reference: ArrayLike<number>, current: ArrayLike<number>): TestResult {
  const [referenceTotal, currentTotal] = checkedBinTotals('chiSquareTest', reference, current);
  if (reference.length < 2) throw new RangeError('chiSquareTest needs at least 2 bins');
  return chiSquareOfCounts(reference, referenceTotal, current, currentTotal);
}

/** {@link chiSquareTest} without checks. */
export function chiSquareOfCounts(
  reference: ArrayLike<number>,
  referenceTotal: number,
  current: ArrayLike<number>,
  currentTotal: number,
): TestResult {
  let smoothedTotal = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = (reference[i] as number) / referenceTotal;
    smoothedTotal += r === 0 ? EMPTY_BIN_PROPORTION : r;
  }
  let statistic = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = (reference[i] as number) / referenceTotal;
    const expected = ((r === 0 ? EMPTY_BIN_PROPORTION : r) / smoothedTotal) * currentTotal;
    const diff = (current[i] as number) - expected;
    statistic += (diff * diff) / expected;
  }
  return { statistic, pValue: chiSquareSurvival(statistic, reference.length - 1) };
}
