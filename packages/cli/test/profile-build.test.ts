import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildProfile, DriftMonitor, loadProfile, type DriftProfile } from '@modelsight/drift';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { generateRows, toCsv, toJsonLines, writeText, type Row } from './support/data-files.cjs';
import { runCli, tempDir } from './support/run-cli';

// The profiles the command writes must be exactly what buildProfile gives for the same rows.
const rows = generateRows(3000, 11);
const withoutLabel = (r: Row[]) => r.map(({ churned: _, ...rest }) => rest);
let dir: string;

/** A profile without its creation time, which differs between two builds. */
const comparable = ({ createdAt: _, ...rest }: DriftProfile) => rest;
const readProfile = (file: string): DriftProfile => JSON.parse(readFileSync(file, 'utf8')) as DriftProfile;

function build(data: string, ...options: string[]): DriftProfile {
  const out = join(dir, `profile-${Math.random().toString(36).slice(2)}.json`);
  const result = runCli(['profile', 'build', data, '--out', out, ...options]);
  expect(result.stderr).not.toContain('error');
  expect(result.code).toBe(0);
  return readProfile(out);
}

beforeAll(() => {
  dir = tempDir();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a CSV profile equals buildProfile of the same rows', () => {
  const file = writeText(join(dir, 'train.csv'), toCsv(rows));
  expect(comparable(build(file, '--label', 'churned'))).toEqual(comparable(buildProfile(withoutLabel(rows))));
});

test('a JSON Lines profile equals buildProfile of the same rows, keys seen late included', () => {
  // Sparse records: a key first seen on row 50, booleans, nulls and absent keys.
  const sparse: Row[] = rows.slice(0, 400).map((row, i) => {
    const { income, ...rest } = row;
    return { ...rest, ...(i % 7 === 0 ? {} : { income }), ...(i >= 50 ? { vip: i % 3 === 0 } : {}) };
  });
  const file = writeText(join(dir, 'sparse.jsonl'), toJsonLines(sparse));
  expect(comparable(build(file, '--label', 'churned'))).toEqual(comparable(buildProfile(withoutLabel(sparse))));
});

test('a JSON array profile equals buildProfile of the same rows', () => {
  const file = writeText(join(dir, 'train.json'), JSON.stringify(rows));
  expect(comparable(build(file))).toEqual(comparable(buildProfile(rows)));
});

test('a gzipped CSV and a tab-separated file give the same profile as the plain CSV', () => {
  const plain = build(writeText(join(dir, 'same.csv'), toCsv(rows)));
  expect(comparable(build(writeText(join(dir, 'same.csv.gz'), toCsv(rows))))).toEqual(comparable(plain));
  expect(comparable(build(writeText(join(dir, 'same.tsv'), toCsv(rows, '\t'))))).toEqual(comparable(plain));
});

test('--type reads a numeric-looking column as categories and keeps its text', () => {
  const file = writeText(join(dir, 'zip.csv'), 'zip,amount\n02134,1\n02134,2\n10001,3\n007,4\n');
  const profile = build(file, '--type', 'zip=categorical');
  const zip = profile.features.find((f) => f.name === 'zip');
  expect(zip).toMatchObject({ type: 'categorical', categories: ['02134', '007', '10001'] });
  expect(comparable(profile)).toEqual(
    comparable(
      buildProfile([
        { zip: '02134', amount: 1 },
        { zip: '02134', amount: 2 },
        { zip: '10001', amount: 3 },
        { zip: '007', amount: 4 },
      ]),
    ),
  );
});

test('the prediction columns become prediction.label and prediction.confidence, and the label is left out', () => {
  const renamed = rows.map((r) => ({
    age: r.age,
    pred: r['prediction.label'],
    score: r['prediction.confidence'],
    churned: r.churned,
  }));
  const file = writeText(join(dir, 'outputs.csv'), toCsv(renamed));
  const profile = build(file, '--prediction-label', 'pred', '--prediction-confidence', 'score', '--label', 'churned');
  expect(profile.features.map((f) => [f.name, f.type])).toEqual([
    ['age', 'numeric'],
    ['prediction.label', 'categorical'],
    ['prediction.confidence', 'numeric'],
  ]);
  const expected = buildProfile(
    rows.map((r) => ({
      age: r.age,
      'prediction.label': r['prediction.label'],
      'prediction.confidence': r['prediction.confidence'],
    })),
  );
  expect(comparable(profile)).toEqual(comparable(expected));
});

test('--bins, --top-k, --sample-size, --edges, --features and --ignore reach buildProfile', () => {
  const file = writeText(join(dir, 'options.csv'), toCsv(rows));
  const profile = build(
    file,
    '--bins',
    '4',
    '--top-k',
    '2',
    '--sample-size',
    '50',
    '--edges',
    'accounts=1,3',
    '--features',
    'age,accounts,city,plan',
    '--ignore',
    'plan,prediction.confidence',
  );
  // --features chooses among the inputs; the prediction outputs stay unless ignored.
  const features = ['age', 'accounts', 'city', 'prediction.label'];
  const expected = buildProfile(rows, { features, bins: 4, topK: 2, sampleSize: 50, edges: { accounts: [1, 3] } });
  expect(comparable(profile)).toEqual(comparable(expected));
});

test('a profile written to standard output is the profile, and it loads into a DriftMonitor', () => {
  const file = writeText(join(dir, 'stdout.csv'), toCsv(rows));
  const result = runCli(['profile', 'build', file, '--out', '-', '--label', 'churned']);
  expect(result.code).toBe(0);
  const profile = JSON.parse(result.stdout) as DriftProfile;
  expect(comparable(profile)).toEqual(comparable(buildProfile(withoutLabel(rows))));
  const saved = writeText(join(dir, 'saved.json'), result.stdout);
  const monitor = new DriftMonitor({ model: { name: 'churn', version: '1' }, profile: loadProfile(saved) });
  expect(monitor.report().features.map((f) => [f.name, f.role])).toEqual([
    ['age', 'input'],
    ['income', 'input'],
    ['accounts', 'input'],
    ['city', 'input'],
    ['plan', 'input'],
    ['prediction.label', 'output'],
    ['prediction.confidence', 'output'],
  ]);
});

test('standard input is read with --format', () => {
  const result = runCli(['profile', 'build', '-', '--format', 'jsonl', '--out', '-'], { input: toJsonLines(rows) });
  expect(result.code).toBe(0);
  expect(comparable(JSON.parse(result.stdout) as DriftProfile)).toEqual(comparable(buildProfile(rows)));
});

test('the file is streamed: a CSV larger than the JavaScript heap is profiled', () => {
  // A long free-text column makes the file large; left out, it takes no memory at all.
  const big = generateRows(40_000, 13);
  const note = 'free text that the profile leaves out, as long as a customer complaint would be. '.repeat(13);
  const file = writeText(join(dir, 'big.csv'), toCsv(big.map((row, i) => ({ ...row, note: `${i} ${note}` }))));
  const heapMiB = 24;
  expect(statSync(file).size).toBeGreaterThan(1.5 * heapMiB * 1024 * 1024);
  const out = join(dir, 'big.json');
  const env = { PATH: process.env.PATH ?? '', NODE_OPTIONS: `--max-old-space-size=${heapMiB}` };
  const result = runCli(['profile', 'build', file, '--ignore', 'note', '--out', out], { env });
  expect([result.code, result.stderr.includes('40000 rows')]).toEqual([0, true]);
  expect(comparable(readProfile(out))).toEqual(comparable(buildProfile(big)));
});

test('CSV missing-value markers and infinities read as buildProfile reads null and Infinity', () => {
  const file = writeText(join(dir, 'markers.csv'), 'x,c\n1.5,a\nNA,b\n,NaN\ninf,a\n-Infinity,null\n2.5,b\n');
  expect(comparable(build(file))).toEqual(
    comparable(
      buildProfile([
        { x: 1.5, c: 'a' },
        { x: null, c: 'b' },
        { x: null, c: null },
        { x: Infinity, c: 'a' },
        { x: -Infinity, c: null },
        { x: 2.5, c: 'b' },
      ]),
    ),
  );
});

test('characters split between two chunks of the file are read whole', () => {
  // Two-byte and three-byte characters over several MiB: some straddle the 1 MiB read chunks.
  const lines = ['city,n'];
  for (let i = 0; i < 200_000; i++) lines.push(`${i % 2 ? 'Zürich' : '東京'},${i % 10}`);
  const file = writeText(join(dir, 'utf8.csv'), `${lines.join('\n')}\n`);
  const city = build(file).features.find((f) => f.name === 'city');
  expect(city).toMatchObject({ type: 'categorical', categories: ['Zürich', '東京'], proportions: [0.5, 0.5, 0] });
});

test('a UTF-8 byte order mark is not part of the first column name', () => {
  const file = writeText(join(dir, 'bom.csv'), '\ufeffage,city\n30,Paris\n40,Lyon\n');
  expect(build(file).features.map((f) => f.name)).toEqual(['age', 'city']);
});
