import { checkedBinTotals, EMPTY_BIN_PROPORTION } from './proportions';

/**
 * Population stability index of `current` against `reference`, over the same bins:
 * `Σ (cᵢ − rᵢ)·ln(cᵢ / rᵢ)` where `rᵢ`, `cᵢ` are the bins' proportions; a zero proportion is
 * replaced by 1e-4 on its side (design.md). Both arguments may be counts or proportions: each is
 * divided by its own sum. Conventionally < 0.1 is stable, 0.1–0.2 a moderate shift, ≥ 0.2 drift.
 *
 * @throws RangeError when the lengths differ, a value is negative or not finite, or a side sums to 0.
 */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const [referenceTotal, currentTotal] = checkedBinTotals('psi', reference, current);
  return psiOfCounts(reference, referenceTotal, current, currentTotal);
}

/** {@link psi} without checks, for callers that own the arrays (the monitor's collection path). */
export function psiOfCounts(
  reference: ArrayLike<number>,
  referenceTotal: number,
  current: ArrayLike<number>,
  currentTotal: number,
): number {
  let sum = 0;
  for (let i = 0; i < reference.length; i++) {
    let r = (reference[i] as number) / referenceTotal;
    let c = (current[i] as number) / currentTotal;
    if (r === 0) r = EMPTY_BIN_PROPORTION;
    if (c === 0) c = EMPTY_BIN_PROPORTION;
    sum += (c - r) * Math.log(c / r);
  }
  return sum;
}
