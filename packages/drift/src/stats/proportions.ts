/** Replaces an empty bin's proportion so that `ln(c / r)` stays finite (design.md: 1e-4). */
export const EMPTY_BIN_PROPORTION = 1e-4;

/** Sum of a list of counts or proportions; non-finite or negative entries make it throw. */
export function checkedTotal(values: ArrayLike<number>, what: string): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!(v >= 0) || v === Infinity) {
      throw new RangeError(`${what}[${i}] must be a finite number >= 0, got ${String(v)}`);
    }
    total += v;
  }
  return total;
}

/** Checks that two bin lists line up and are not empty. */
export function checkSameLength(reference: ArrayLike<number>, current: ArrayLike<number>): void {
  if (reference.length === 0 || reference.length !== current.length) {
    throw new RangeError(
      `reference and current must have the same, non-zero number of bins (got ${reference.length} and ${current.length})`,
    );
  }
}

/**
 * Checks the two bin lists given to a public statistic and returns their totals.
 * @throws RangeError when the lengths differ, a value is negative or not finite, or a side sums to 0.
 */
export function checkedBinTotals(
  statistic: string,
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): [referenceTotal: number, currentTotal: number] {
  checkSameLength(reference, current);
  const referenceTotal = checkedTotal(reference, 'reference');
  const currentTotal = checkedTotal(current, 'current');
  if (referenceTotal === 0 || currentTotal === 0)
    throw new RangeError(`${statistic} needs at least one value on each side`);
  return [referenceTotal, currentTotal];
}
