import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { binCounts, buildProfile, type CategoricalFeatureProfile, type NumericFeatureProfile } from '../src/index';

const vectors = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'drift-vectors.json'), 'utf8')) as {
  cases: { name: string; reference?: number[]; edges?: number[]; reference_counts: number[] }[];
};
const sameNormal = vectors.cases.find((c) => c.name === 'same-normal')!;
const ties = vectors.cases.find((c) => c.name === 'ties-integers')!;

const numericOf = (profile: ReturnType<typeof buildProfile>, name: string) =>
  profile.features.find((f) => f.name === name) as NumericFeatureProfile;
const categoricalOf = (profile: ReturnType<typeof buildProfile>, name: string) =>
  profile.features.find((f) => f.name === name) as CategoricalFeatureProfile;

it('places numeric bin edges next to the reference deciles, each bin holding a tenth of the reference', () => {
  const profile = buildProfile(sameNormal.reference!.map((x) => ({ x })));
  const x = numericOf(profile, 'x');
  // The vectors' edges are numpy's deciles rounded to 6 decimals; an edge moves at most to the
  // middle of the gap between the two order statistics around its decile.
  x.edges.slice(1, -1).forEach((edge, i) => expect(Math.abs(edge - sameNormal.edges![i]!)).toBeLessThan(0.01));
  for (const p of x.proportions.slice(1, -1)) expect(p).toBe(0.1);
});

it('adds open bins below and above the reference range, empty in the reference', () => {
  const profile = buildProfile(sameNormal.reference!.map((x) => ({ x })));
  const x = numericOf(profile, 'x');
  expect(x.edges).toHaveLength(11);
  expect(x.edges[0]).toBeLessThan(x.min);
  expect(x.edges[10]).toBeGreaterThan(x.max);
  expect(binCounts([x.edges[0]! - 1e-9, x.min, x.max, x.edges[10]!], x.edges)).toEqual([
    1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1,
  ]);
  expect(x.proportions[0]).toBe(0);
  expect(x.proportions[11]).toBe(0);
});

it('records count, mean, std (ddof 0), min, max and the missing rate', () => {
  const rows = [{ v: 1 }, { v: 2 }, { v: 3 }, { v: 4 }, { v: null }, {}, { v: Number.NaN }, { v: 'x' }];
  const v = numericOf(buildProfile(rows, { types: { v: 'numeric' } }), 'v');
  expect(v).toMatchObject({ count: 4, mean: 2.5, min: 1, max: 4, missing: 3, invalid: 1, missingRate: 3 / 8 });
  expect(v.std).toBeCloseTo(Math.sqrt(1.25), 12);
});

it('keeps a bounded, sorted sample of each numeric feature', () => {
  const rows = Array.from({ length: 50_000 }, (_, i) => ({ v: (i * 7919) % 50_000 }));
  const v = numericOf(buildProfile(rows, { sampleSize: 500 }), 'v');
  expect(v.sample).toHaveLength(500);
  expect([...v.sample].sort((a, b) => a - b)).toEqual(v.sample);
  expect(v.sample[0]).toBeLessThan(100);
  expect(v.sample[499]).toBeGreaterThan(49_900);
});

it('infers numbers as numeric and anything else as categorical, and lets the caller override', () => {
  const rows = [
    { n: 1, s: 'a', b: true, code: 10 },
    { n: 2, s: 'b', b: false, code: 20 },
  ];
  const inferred = buildProfile(rows);
  expect(inferred.features.map((f) => [f.name, f.type])).toEqual([
    ['n', 'numeric'],
    ['s', 'categorical'],
    ['b', 'categorical'],
    ['code', 'numeric'],
  ]);
  const overridden = buildProfile(rows, { types: { code: 'categorical' } });
  expect(categoricalOf(overridden, 'code').categories).toEqual(['10', '20']);
});

it('uses explicit bin edges as given, reproducing the reference counts of the vectors', () => {
  const profile = buildProfile(
    ties.reference!.map((k) => ({ k })),
    { edges: { k: ties.edges! } },
  );
  const k = numericOf(profile, 'k');
  expect(k.edges).toEqual(ties.edges);
  const total = ties.reference_counts.reduce((a, b) => a + b, 0);
  expect(k.proportions).toEqual(ties.reference_counts.map((c) => c / total));
});

it('keeps the top-K categories and merges the rest into other', () => {
  const rows = [
    ...Array.from({ length: 50 }, () => ({ c: 'a' })),
    ...Array.from({ length: 30 }, () => ({ c: 'b' })),
    ...Array.from({ length: 15 }, () => ({ c: 'c' })),
    ...Array.from({ length: 5 }, () => ({ c: 'd' })),
  ];
  const c = categoricalOf(buildProfile(rows, { topK: 2 }), 'c');
  expect(c.categories).toEqual(['a', 'b']);
  expect(c.proportions).toEqual([0.5, 0.3, 0.2]);
  expect(c.otherCategories).toEqual(['c', 'd']);
});

it('handles keys such as __proto__ and constructor as ordinary feature names', () => {
  const rows = JSON.parse('[{"__proto__": 1, "constructor": "x"}, {"__proto__": 2, "constructor": "y"}]') as object[];
  const profile = buildProfile(rows);
  expect(profile.features.map((f) => f.name)).toEqual(['__proto__', 'constructor']);
  expect(numericOf(profile, '__proto__').mean).toBe(1.5);
});

it('rejects invalid options with a message naming the option and the value', () => {
  expect(() => buildProfile([], { bins: 0 })).toThrow(/option bins must be a positive integer, got 0/);
  expect(() => buildProfile([{ x: 1 }], { edges: { x: [1, 1] } })).toThrow(/edges\["x"\]\[1\] must be greater/);
  expect(() => buildProfile([{ x: 1 }], { types: { x: 'text' as never } })).toThrow(/types\["x"\].*"text"/);
  expect(() => buildProfile('rows' as never)).toThrow(/rows must be an array/);
});

it('refuses rows that are arrays of numbers, which name no feature, instead of profiling nothing', () => {
  expect(() =>
    buildProfile([
      [5.1, 3.5],
      [4.9, 3],
    ]),
  ).toThrow(/rows\[0\] is an array; each row must be an object naming its features/);
  expect(() => buildProfile([{ x: 1 }, null])).toThrow(/rows\[1\] is null/);
});

it('produces plain JSON that survives a round trip unchanged', () => {
  const profile = buildProfile(sameNormal.reference!.map((x, i) => ({ x, c: i % 3 === 0 ? 'a' : 'b' })));
  expect(JSON.parse(JSON.stringify(profile))).toEqual(profile);
});
