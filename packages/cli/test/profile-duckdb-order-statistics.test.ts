import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { uniformGenerator } from '@modelsight/test-support';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildProfileFromFile, type ProfileFileOptions } from '../src/profile/build-profile-from-file';
import { tempDir } from './support/run-cli';
import { expectSameProfile } from './support/same-profile';

// The DuckDB engine finds order statistics by counting values per bucket and reading only the buckets that
// hold a rank it needs, splitting a crowded bucket again (up to three levels of 65,536 buckets, then value by
// value). These inputs are built to reach every path of that search: buckets of one repeated value, crowded
// buckets split twice and then read whole, zeros of both signs, ranges too wide or too narrow for plain
// arithmetic. Each file is profiled by the streaming engine (buildProfile of the same values), and by DuckDB
// both as CSV (a parsed table) and as Parquet (a view of the file).

type Column = (i: number) => number | null;

let dir: string;
beforeAll(() => {
  dir = tempDir();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A cell as a CSV file holds it: −0 signed, infinities and NaN as numpy writes them, null empty. */
function cellText(x: number | null): string {
  if (x === null) return '';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return Object.is(x, -0) ? '-0' : String(x);
}

/** Writes `rows` rows of the columns as CSV and as Parquet (every column DOUBLE, NaN and infinities kept). */
async function writeBoth(name: string, rows: number, columns: Record<string, Column>) {
  const names = Object.keys(columns);
  const lines = [names.join(',')];
  for (let i = 0; i < rows; i++) lines.push(names.map((n) => cellText((columns[n] as Column)(i))).join(','));
  const csv = join(dir, `${name}.csv`);
  writeFileSync(csv, `${lines.join('\n')}\n`);
  const parquet = join(dir, `${name}.parquet`);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const types = names.map((n) => `'${n}': 'DOUBLE'`).join(', ');
  await connection.run(
    `COPY (SELECT * FROM read_csv('${csv}', header = true, columns = {${types}})) TO '${parquet}' (FORMAT parquet)`,
  );
  connection.closeSync();
  instance.closeSync();
  return { csv, parquet };
}

/**
 * The streamed profile of the CSV file, after checking that DuckDB gives it for both files (or the CSV file
 * alone); `spanning`: see {@link expectSameProfile}.
 */
async function expectSameWithDuckDB(
  files: { csv: string; parquet?: string },
  options: ProfileFileOptions = {},
  spanning = false,
) {
  const streamed = await buildProfileFromFile(files.csv, { ...options, engine: 'stream' });
  expectSameProfile(await buildProfileFromFile(files.csv, { ...options, engine: 'duckdb' }), streamed, spanning);
  if (files.parquet !== undefined) {
    expectSameProfile(await buildProfileFromFile(files.parquet, options), streamed, spanning);
  }
  return streamed;
}

const feature = (profile: Awaited<ReturnType<typeof expectSameWithDuckDB>>, name: string) => {
  const found = profile.features.find((f) => f.name === name);
  if (found?.type !== 'numeric') throw new Error(`no numeric feature ${name}`);
  return found;
};

test('values crowded in a tiny interval between far outliers are split down to single values', async () => {
  const u = uniformGenerator(7);
  // 30,000 values within 3e-9 of 1, and within 4e-10 of 3 (five repeated values), between outliers at ±1e6:
  // every first-level bucket (2e6 / 65,536 wide) and second-level one holds all of them; the third level is
  // still too coarse, so they are read value by value.
  const outlier = (i: number) => (i === 5 ? -1e6 : i === 9 ? 1e6 : null);
  const files = await writeBoth('crowded', 30_000, {
    distinct: (i) => outlier(i) ?? 1 + Math.floor(u() * 30_000) * 1e-13,
    ties: (i) => outlier(i) ?? 3 + (i % 5) * 1e-10,
    far: (i) => (i % 1000 === 0 ? 1e15 + i : 1e-3 * (i % 777)),
  });
  const profile = await expectSameWithDuckDB(files, {}, true);
  expect(feature(profile, 'distinct').edges).toHaveLength(11);
  expect(new Set(feature(profile, 'ties').sample).size).toBe(5);
  expect(feature(profile, 'ties')).toMatchObject({ min: -1e6, max: 1e6 });
});

test('heavy ties, a single value and two values give the same edges, counts and samples', async () => {
  const files = await writeBoth('ties', 20_000, {
    three: (i) => i % 3,
    single: () => 7.25,
    two: (i) => (i < 19_900 ? 1 : 2),
    mostly: (i) => (i % 97 === 0 ? i / 97 : 0.5),
  });
  const profile = await expectSameWithDuckDB(files, { bins: 7, sampleSize: 300 });
  expect(feature(profile, 'single').edges).toEqual([7.25, 7.250000000000001]);
  expect(feature(profile, 'three').edges).toEqual([-0.5, 0.5, 1.5, 2.5]);
});

test('negative zero keeps its place before positive zero in the sample, the minimum and the maximum', async () => {
  const files = await writeBoth('zeros', 9_000, {
    mixed: (i) => (i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : i % 2 === 0 ? -(i % 50) : i % 50),
    signs: (i) => (i % 2 === 0 ? -0 : 0),
    negative: (i) => (i % 4 === 0 ? -0 : -1 - (i % 9)),
    positive: (i) => (i % 4 === 0 ? -0 : 1 + (i % 9)),
    few: (i) => (i < 40 ? ([-0, 0, 1, -0, -2][i % 5] ?? null) : null),
  });
  // DuckDB's Parquet writer stores −0 and +0 as one dictionary value: the CSV file alone keeps both.
  const profile = await expectSameWithDuckDB({ csv: files.csv });
  expect(Object.is(feature(profile, 'positive').min, -0)).toBe(true);
  expect(Object.is(feature(profile, 'negative').max, -0)).toBe(true);
  expect(Object.is(feature(profile, 'signs').max, 0)).toBe(true);
  expect(feature(profile, 'mixed').sample.some((x) => Object.is(x, -0))).toBe(true);
});

test('huge, tiny and subnormal magnitudes give the same profile', async () => {
  const u = uniformGenerator(11);
  const files = await writeBoth('magnitudes', 10_000, {
    huge: () => (u() - 0.5) * 3e300,
    extremes: (i) => (i === 0 ? -1.7e308 : i === 1 ? 1.7e308 : (u() - 0.5) * 1e300),
    tiny: () => (u() - 0.5) * 1e-300,
    subnormal: (i) => (i % 51) * 5e-324,
    wide: (i) => (i % 2 === 0 ? u() * 1e-300 : u() * 1e300),
  });
  const profile = await expectSameWithDuckDB(files, {}, true);
  expect(feature(profile, 'subnormal').max).toBe(50 * 5e-324);
  expect(feature(profile, 'extremes').std).toBe(Infinity);
});

test('missing, NaN and infinite cells are left out, and few values are all kept as the sample', async () => {
  const files = await writeBoth('sparse', 12_000, {
    sparse: (i) => (i % 20 === 0 ? (i % 7) * 1.5 : i % 5 === 1 ? Number.NaN : i % 5 === 2 ? -Infinity : null),
    infinite: (i) => (i % 3 === 0 ? Infinity : i % 3 === 1 ? -Infinity : i),
  });
  const profile = await expectSameWithDuckDB(files);
  expect(feature(profile, 'sparse').sample).toHaveLength(600);
  expect(feature(profile, 'infinite')).toMatchObject({ count: 4000, invalid: 8000 });
});

test('unrounded values, normal and piled up near zero, give the same profile when their buckets are split', async () => {
  const u = uniformGenerator(13);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  // 300,000 values with almost none repeated. u^12 puts a third of them in the first of 65,536 buckets, with
  // as many of the sample's ranks: more values than it pays to read, so that bucket is split, and its first
  // smaller bucket again; the lognormal's crowded low buckets too.
  const files = await writeBoth('unrounded', 300_000, {
    normal: () => 40 + 12 * normal(),
    piled: () => u() ** 12,
    lognormal: () => 100 * Math.exp(normal()),
    mixed: (i) => (i % 10 === 0 ? 0.5 : u()),
  });
  const profile = await expectSameWithDuckDB(files, { sampleSize: 2000 });
  expect(new Set(feature(profile, 'piled').sample).size).toBe(2000);
  expect(feature(profile, 'piled').edges).toHaveLength(11);
}, 120_000);
