import type { DriftProfile, FeatureProfile } from '@modelsight/drift';
import { expect } from 'vitest';

// The DuckDB engine must give the profile the streaming engine gives (buildProfile of the same values) for the
// same file: the same features in the same order, edges, counts, proportions, samples and categories; mean and
// standard deviation to the last digits, since DuckDB sums in another order.

/** Each feature, its mean and std apart; the profile without its creation time. */
function split(profile: DriftProfile) {
  const { createdAt: _, features, ...rest } = profile;
  const moments = features.map((f) => (f.type === 'numeric' ? [f.mean, f.std] : []));
  const exact = features.map((f: FeatureProfile) => {
    if (f.type !== 'numeric') return f;
    const { mean: _m, std: _s, ...other } = f;
    return other;
  });
  return { rest, exact, moments };
}

/** Every number of a numeric feature that is −0, by path: `toEqual` alone may hold −0 equal to +0. */
function negativeZeros(profile: DriftProfile): string[] {
  return profile.features.flatMap((f) =>
    f.type !== 'numeric'
      ? []
      : [
          ...(Object.is(f.min, -0) ? [`${f.name}.min`] : []),
          ...(Object.is(f.max, -0) ? [`${f.name}.max`] : []),
          ...f.edges.flatMap((x, i) => (Object.is(x, -0) ? [`${f.name}.edges[${i}]`] : [])),
          ...f.sample.flatMap((x, i) => (Object.is(x, -0) ? [`${f.name}.sample[${i}]`] : [])),
        ],
  );
}

/**
 * Expects the same profile, mean and standard deviation to a relative 1e-12 (or both the same infinity), each −0
 * where the other has it. With `spanning`, for values spanning many orders of magnitude, the mean and standard
 * deviation may also differ by the error bound of buildProfile's running sums, n·ε·max|v| (Higham, Accuracy and
 * Stability of Numerical Algorithms, §4.2), which DuckDB's compensated sums do not share.
 */
export function expectSameProfile(actual: DriftProfile, expected: DriftProfile, spanning = false): void {
  const a = split(actual);
  const e = split(expected);
  expect(a.rest).toEqual(e.rest);
  expect(a.exact).toEqual(e.exact);
  expect(negativeZeros(actual)).toEqual(negativeZeros(expected));
  a.moments.forEach((pair, i) =>
    pair.forEach((value, j) => {
      const reference = e.moments[i]![j]!;
      const f = expected.features[i]!;
      // Squares of values near ±1.8e308 overflow: both engines then say +∞.
      if (!Number.isFinite(reference)) return expect(value, f.name).toBe(reference);
      const runningSums =
        spanning && f.type === 'numeric' ? f.count * Number.EPSILON * Math.max(Math.abs(f.min), Math.abs(f.max)) : 0;
      expect(Math.abs(value - reference), f.name).toBeLessThanOrEqual(
        Math.abs(reference) * 1e-12 + 1e-12 + runningSums,
      );
    }),
  );
}
