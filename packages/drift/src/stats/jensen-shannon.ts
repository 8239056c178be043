import { checkedBinTotals } from './proportions';

/**
 * Jensen–Shannon distance (natural log) between the bin distributions `reference` and `current`,
 * as `scipy.spatial.distance.jensenshannon(reference, current)`: both are normalised to sum 1, no
 * smoothing, and the result is the square root of the divergence, between 0 and √ln 2 ≈ 0.83.
 * Arguments may be counts or proportions.
 *
 * @throws RangeError when the lengths differ, a value is negative or not finite, or a side sums to 0.
 */
export function jensenShannon(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const [referenceTotal, currentTotal] = checkedBinTotals('jensenShannon', reference, current);
  return jensenShannonOfCounts(reference, referenceTotal, current, currentTotal);
}

/** {@link jensenShannon} without checks. */
export function jensenShannonOfCounts(
  reference: ArrayLike<number>,
  referenceTotal: number,
  current: ArrayLike<number>,
  currentTotal: number,
): number {
  // scipy: m = (p + q) / 2; js = Σ rel_entr(p, m) + Σ rel_entr(q, m); sqrt(js / 2),
  // with rel_entr(x, y) = x·ln(x / y) for x > 0 and 0 for x = 0.
  let divergence = 0;
  for (let i = 0; i < reference.length; i++) {
    const p = (reference[i] as number) / referenceTotal;
    const q = (current[i] as number) / currentTotal;
    const m = (p + q) / 2;
    if (p > 0) divergence += p * Math.log(p / m);
    if (q > 0) divergence += q * Math.log(q / m);
  }
  return Math.sqrt(Math.max(divergence, 0) / 2);
}
