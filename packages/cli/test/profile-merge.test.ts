import { buildProfile, type DriftProfile, type FeatureProfile, psi } from '@modelsight/drift';
import { expect, test } from 'vitest';
import { mergeProfiles } from '../src/profile/merge-profiles';
import { generateRows, type Row } from './support/data-files.cjs';

// Profiles built from partitions of the data, merged, against buildProfile of all the rows at once.

const rows = generateRows(6000, 31).map(({ churned: _, ...rest }) => rest);
const partitions = [rows.slice(0, 1000), rows.slice(1000, 3500), rows.slice(3500)];

/** A feature without its mean and std, which are pooled and equal to the last digits. */
function exactPart(feature: FeatureProfile) {
  if (feature.type !== 'numeric') return feature;
  const { mean: _m, std: _s, ...rest } = feature;
  return rest;
}

function expectMoments(actual: DriftProfile, expected: DriftProfile): void {
  expected.features.forEach((e, i) => {
    const a = actual.features[i]!;
    if (e.type !== 'numeric' || a.type !== 'numeric') return;
    expect(Math.abs(a.mean - e.mean), e.name).toBeLessThanOrEqual(Math.abs(e.mean) * 1e-12);
    expect(Math.abs(a.std - e.std), e.name).toBeLessThanOrEqual(Math.abs(e.std) * 1e-10);
  });
}

test('partitions built with the same edges merge into exactly the profile of all the rows', () => {
  const whole = buildProfile(rows as Row[]);
  const edges = Object.fromEntries(
    whole.features.flatMap((f) => (f.type === 'numeric' ? [[f.name, f.edges]] : [])),
  ) as Record<string, number[]>;
  const parts = partitions.map((p) => buildProfile(p, { edges }));
  const { profile, estimates } = mergeProfiles(parts);
  expect(estimates).toEqual([]);
  expect(profile.rows).toBe(whole.rows);
  // The sample of a partition stands for its own values: the merged one is drawn from theirs, not the whole's.
  const withoutSample = (f: ReturnType<typeof exactPart>) => ({ ...f, sample: undefined });
  expect(profile.features.map(exactPart).map(withoutSample)).toEqual(whole.features.map(exactPart).map(withoutSample));
  expectMoments(profile, whole);
});

test('partitions small enough to keep all their values merge exactly, edges and sample included', () => {
  const small = [rows.slice(0, 300), rows.slice(300, 700), rows.slice(700, 900)];
  const whole = buildProfile(rows.slice(0, 900), { sampleSize: 1000 });
  const { profile, estimates } = mergeProfiles(small.map((p) => buildProfile(p, { sampleSize: 1000 })));
  expect(estimates).toEqual([]);
  expect(profile.features.map(exactPart)).toEqual(whole.features.map(exactPart));
  expectMoments(profile, whole);
});

test('partitions with their own edges merge into an estimate that says so and stays close to the whole', () => {
  const whole = buildProfile(rows as Row[]);
  const { profile, estimates } = mergeProfiles(partitions.map((p) => buildProfile(p)));
  expect(estimates.some((e) => e.startsWith('"income": the partitions have different bin edges'))).toBe(true);
  for (const feature of whole.features) {
    const merged = profile.features.find((f) => f.name === feature.name)!;
    expect(merged.count, feature.name).toBe(feature.count);
    expect(merged.missing, feature.name).toBe(feature.missing);
    if (feature.type !== 'numeric' || merged.type !== 'numeric') continue;
    expect([merged.min, merged.max]).toEqual([feature.min, feature.max]);
    // The whole's values binned by the merged edges, against the merged shares: a small PSI.
    const counts = new Array<number>(merged.proportions.length).fill(0);
    for (const row of rows) {
      const v = row[feature.name as keyof typeof row];
      if (typeof v === 'number') counts[merged.edges.filter((e) => e <= v).length]! += 1;
    }
    expect(psi(merged.proportions, counts), feature.name).toBeLessThan(0.01);
  }
});

test('a feature absent from a partition counts as missing in its rows; a type conflict is refused', () => {
  const withVip = buildProfile(partitions[0]!.map((r, i) => ({ ...r, vip: i % 2 === 0 ? 'yes' : 'no' })));
  const without = buildProfile(partitions[1]!);
  const { profile } = mergeProfiles([withVip, without]);
  const vip = profile.features.find((f) => f.name === 'vip')!;
  expect(vip.missing).toBe(partitions[1]!.length);
  expect(vip.missingRate).toBeCloseTo(partitions[1]!.length / (partitions[0]!.length + partitions[1]!.length), 12);
  const numeric = buildProfile([{ vip: 1 }, { vip: 2 }]);
  expect(() => mergeProfiles([withVip, numeric])).toThrow('feature "vip" is numeric in one profile and categorical');
});
