import { expect, it } from 'vitest';
import { binCounts, buildProfile, type NumericFeatureProfile } from '../src/index';
import { halfway } from '../src/profile/bin-edges';
import { normalGenerator } from '@modelsight/test-support';

const edgesOf = (values: number[], bins?: number) =>
  (
    buildProfile(
      values.map((v) => ({ v })),
      { bins },
    ).features[0] as NumericFeatureProfile
  ).edges;

/** Values of N(mean, sd) rounded to `step`, as instruments and spreadsheets record them. */
function rounded(count: number, mean: number, sd: number, step: number, seed: number): number[] {
  const normal = normalGenerator(seed);
  return Array.from({ length: count }, () => Number((Math.round((mean + sd * normal()) / step) * step).toFixed(6)));
}

it('gives integers the edges halfway between them', () => {
  const values = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5];
  expect(edgesOf(values, 6)).toEqual([-0.5, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
});

it('never places an edge on a reference value of rounded data', () => {
  const values = rounded(2000, 1.2, 0.4, 0.1, 3);
  const distinct = new Set(values);
  for (const edge of edgesOf(values)) expect(distinct.has(edge)).toBe(false);
});

it('keeps every value of rounded data in one bin with everything within half a step of it', () => {
  const values = rounded(2000, 1.2, 0.4, 0.1, 4);
  const edges = edgesOf(values);
  for (const value of new Set(values)) {
    const [bin] = binCounts([value], edges).flatMap((count, i) => (count === 1 ? [i] : []));
    const near = binCounts([value - 0.049, value + 0.049], edges);
    expect(near[bin!]).toBe(2);
  }
});

it('merges the bins of deciles that fall in the same group of equal values', () => {
  // 60% zeros: deciles 1 to 5 all land on 0, one bin holds them all.
  const values = [...Array.from({ length: 60 }, () => 0), ...Array.from({ length: 40 }, (_, i) => 1 + i)];
  const profile = buildProfile(values.map((v) => ({ v })));
  const v = profile.features[0] as NumericFeatureProfile;
  expect(v.edges.slice(0, 2)).toEqual([-0.5, 0.5]);
  expect(v.proportions[1]).toBe(0.6);
  expect(v.edges.length).toBeLessThan(11);
  expect(v.proportions.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
});

it('gives a constant feature one bin holding exactly its value', () => {
  expect(binCounts([7, 7 - 1e-9, 7 + 1e-9], edgesOf([7, 7, 7]))).toEqual([1, 1, 1]);
});

it('writes edges with as few digits as lie near the middle of the gap', () => {
  expect(halfway(0.1, 0.2)).toBe(0.15);
  expect(halfway(1.16, 1.3)).toBe(1.23);
  expect(halfway(1, 1 + 2 ** -52)).toBe(1 + 2 ** -52);
});
