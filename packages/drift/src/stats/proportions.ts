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
