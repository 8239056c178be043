import { doubleLiteral } from './sql-text';

/** Bits of the first level of the grid: 2^16 buckets, so that a column's first counts are at most 65,536 rows. */
export const FIRST_BITS = 16;

/** The finest grid: 2^48 buckets, whose numbers stay exact in a DOUBLE. */
export const MAX_BITS = 48;

/**
 * Equal-width buckets over a column's range `[min, max]`, at any depth from {@link FIRST_BITS} to
 * {@link MAX_BITS} bits: the bucket of `v` at depth `b` is `floor(offset(v) · factor(b))`, with
 * `offset(v) = v/2 − min/2` (halving first keeps `max/2 − min/2` finite for values near ±1.8e308) and
 * `factor(b) = 2^b / (max/2 − min/2)`, from 0 to 2^b (the maximum may land one past the last bucket; no clamping
 * is needed, since any number will do).
 *
 * Only one property matters for exactness: the bucket number never decreases as `v` grows (halving,
 * subtracting, multiplying by a positive constant and flooring are each monotone in IEEE arithmetic), so that a
 * bucket holds consecutive values in sorted order, and equal values (−0 and +0 included) share their bucket.
 * Rounding may put a value in the bucket next to the one exact arithmetic would; that changes which values are
 * counted together, never an order statistic, since buckets are later told apart by the smallest and largest
 * value each holds, not by their numbers.
 */
export interface BucketGrid {
  /** SQL of `offset(x)` for `x` a DOUBLE expression: never negative, never decreasing as `x` grows. */
  offset(x: string): string;
  /**
   * The factor of depth `bits`: finite and positive. When the range is too narrow for a finite factor, the
   * largest finite one, and every value above the minimum then lands in bucket +∞: splitting such a range
   * again separates nothing, and the finest depth reads values.
   */
  factor(bits: number): number;
  /** SQL of the bucket of `x` at depth `bits`, as a DOUBLE. */
  bucketOf(x: string, bits: number): string;
}

/** The grid of a column whose finite values lie in `[min, max]`. */
export function bucketGrid(min: number, max: number): BucketGrid {
  const origin = min * 0.5;
  const width = max * 0.5 - origin;
  // A constant column (width 0) or a subnormal width would divide to infinity, and 0 · ∞ is NaN: the largest
  // finite factor puts every value of a constant column in bucket 0 and is still monotone.
  const factor = (bits: number) => Math.min(2 ** bits / width, Number.MAX_VALUE);
  const offset = (x: string) => `(${x} * ${doubleLiteral(0.5)} - ${doubleLiteral(origin)})`;
  return {
    offset,
    factor,
    bucketOf: (x, bits) => `floor(${offset(x)} * ${doubleLiteral(factor(bits))})`,
  };
}
