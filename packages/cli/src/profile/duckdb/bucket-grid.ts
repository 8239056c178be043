import { doubleLiteral } from './sql-text';

/** Buckets of one level of the grid: 2^16, so that a level's counts of a column are at most 65,536 rows. */
export const BUCKET_BITS = 16;

/** Levels of the grid: bucket numbers of the last one stay below 2^48, exact in a DOUBLE. */
export const GRID_LEVELS = 3;

/**
 * Equal-width buckets over a column's range `[min, max]`, each level splitting those of the level above in
 * 2^16: the bucket of `v` at level L is `floor((v/2 − min/2) · scale · 2^(16·(L−1)))`, from 0 to
 * 2^(16·L) (the maximum may land one past the last bucket; no clamping is needed, since any number will do).
 * Halving first keeps `max/2 − min/2` finite for values near ±1.8e308.
 *
 * Only one property matters for exactness: the bucket number never decreases as `v` grows (halving,
 * subtracting, multiplying by a positive constant and flooring are each monotone in IEEE arithmetic), so that a bucket holds consecutive values in sorted order, and equal values (−0 and +0
 * included) share their bucket. Rounding may put a value in the bucket next to the one exact arithmetic
 * would; that changes which values are counted together, never an order statistic, since buckets are later
 * told apart by the smallest and largest value each holds, not by their numbers.
 */
export interface BucketGrid {
  /**
   * SQL of the bucket of `x` (a DOUBLE expression) at `level` (1 to {@link GRID_LEVELS}), as a DOUBLE: exact below
   * 2^48, or +∞ for every value above the minimum when the range is too narrow for a finite scale (then the
   * next level splits nothing, and the last one reads values).
   */
  bucketOf(x: string, level: number): string;
}

/** The grid of a column whose finite values lie in `[min, max]`. */
export function bucketGrid(min: number, max: number): BucketGrid {
  const origin = min * 0.5;
  const width = max * 0.5 - origin;
  // A constant column (width 0) or a subnormal width would divide to infinity, and 0 · ∞ is NaN: the largest
  // finite scale puts every value of a constant column in bucket 0 and is still monotone.
  const scale = Math.min(2 ** BUCKET_BITS / width, Number.MAX_VALUE);
  return {
    bucketOf(x, level) {
      const levelScale = Math.min(scale * 2 ** (BUCKET_BITS * (level - 1)), Number.MAX_VALUE);
      return `floor((${x} * ${doubleLiteral(0.5)} - ${doubleLiteral(origin)}) * ${doubleLiteral(levelScale)})`;
    },
  };
}
