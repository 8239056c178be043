import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildProfileFromFile, type ProfileFileOptions } from '../src/profile/build-profile-from-file';
import { generateRows, toCsv, toJsonLines, writeText, type Row } from './support/data-files.cjs';
import { tempDir } from './support/run-cli';
import { expectSameProfile } from './support/same-profile';

const rows = generateRows(4000, 21);
let dir: string;

async function bothEngines(file: string, options: ProfileFileOptions = {}) {
  const streamed = await buildProfileFromFile(file, { ...options, engine: 'stream' });
  const duckdb = await buildProfileFromFile(file, { ...options, engine: 'duckdb' });
  return { streamed, duckdb };
}

async function writeParquet(jsonLines: string, parquet: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(
    `COPY (SELECT * FROM read_json('${jsonLines}', format = 'newline_delimited')) TO '${parquet}' (FORMAT parquet)`,
  );
  connection.closeSync();
  instance.closeSync();
}

beforeAll(() => {
  dir = tempDir();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a CSV file gives the same profile with DuckDB as streamed', async () => {
  const file = writeText(join(dir, 'train.csv'), toCsv(rows));
  const { streamed, duckdb } = await bothEngines(file, { label: 'churned' });
  expect(streamed.features.map((f) => f.name)).toEqual([
    'age',
    'income',
    'accounts',
    'city',
    'plan',
    'prediction.label',
    'prediction.confidence',
  ]);
  expectSameProfile(duckdb, streamed);
});

test('a JSON Lines file, with keys seen late, booleans, nulls and absent keys, gives the same profile', async () => {
  const sparse: Row[] = rows.slice(0, 900).map((row, i) => {
    const { income, ...rest } = row;
    return { ...rest, ...(i % 7 === 0 ? {} : { income }), ...(i >= 50 ? { vip: i % 3 === 0 } : {}) };
  });
  const file = writeText(join(dir, 'train.jsonl'), toJsonLines(sparse));
  const { streamed, duckdb } = await bothEngines(file, { label: 'churned' });
  expect(streamed.features.map((f) => f.name)).toContain('vip');
  expectSameProfile(duckdb, streamed);
});

test('a JSON array of records gives the same profile', async () => {
  const file = writeText(join(dir, 'train.json'), JSON.stringify(rows.slice(0, 700)));
  const { streamed, duckdb } = await bothEngines(file, { label: 'churned' });
  expectSameProfile(duckdb, streamed);
});

test('a Parquet file gives the profile of the same rows streamed from CSV, with no option to say so', async () => {
  const jsonLines = writeText(join(dir, 'for-parquet.jsonl'), toJsonLines(rows));
  const parquet = join(dir, 'train.parquet');
  await writeParquet(jsonLines, parquet);
  const csv = writeText(join(dir, 'same.csv'), toCsv(rows));
  const streamed = await buildProfileFromFile(csv, { label: 'churned' });
  expectSameProfile(await buildProfileFromFile(parquet, { label: 'churned' }), streamed);
});

test('options reach the DuckDB engine as they reach buildProfile: bins, edges, top K, sample size, types', async () => {
  const file = writeText(join(dir, 'options.csv'), toCsv(rows));
  const options: ProfileFileOptions = {
    label: 'churned',
    bins: 7,
    topK: 2,
    sampleSize: 50,
    edges: { income: [40_000, 50_000, 60_000] },
    types: { accounts: 'categorical' },
    ignore: ['plan'],
  };
  const { streamed, duckdb } = await bothEngines(file, options);
  expect(streamed.features.find((f) => f.name === 'accounts')?.type).toBe('categorical');
  expectSameProfile(duckdb, streamed);
});

test('a numeric-looking column read as categories keeps its text, as streamed', async () => {
  const file = writeText(join(dir, 'zip.csv'), 'zip,n\n02134,1\n02134,2\n10001,3\n007,4\n');
  const { streamed, duckdb } = await bothEngines(file, { types: { zip: 'categorical' } });
  expect(streamed.features[0]).toMatchObject({ name: 'zip', categories: ['02134', '007', '10001'] });
  expectSameProfile(duckdb, streamed);
});

test('constant, tiny and heavily tied columns give the same edges and samples', async () => {
  const lines = ['constant,tiny,tied,inf'];
  for (let i = 0; i < 300; i++) lines.push(`5,${i < 3 ? i : ''},${i % 4},${i % 10 === 0 ? 'inf' : i / 7}`);
  const file = writeText(join(dir, 'edges.csv'), `${lines.join('\n')}\n`);
  const { streamed, duckdb } = await bothEngines(file);
  expect(streamed.features.find((f) => f.name === 'inf')).toMatchObject({ invalid: 30 });
  expectSameProfile(duckdb, streamed);
});

test('a column that mixes numbers and text is refused, naming the column and both kinds of value', async () => {
  const file = writeText(join(dir, 'mixed.csv'), 'age,city\n31,Paris\n4O,Lyon\n');
  await expect(buildProfileFromFile(file, { engine: 'duckdb' })).rejects.toThrow(
    /column "age" mixes numbers \(such as 31\) and text \(such as "4O"\)/,
  );
});

test('text in a column declared numeric is refused, naming the column and the text', async () => {
  const file = writeText(join(dir, 'declared.csv'), 'age,city\n31,Paris\n4O,Lyon\n');
  await expect(buildProfileFromFile(file, { engine: 'duckdb', types: { age: 'numeric' } })).rejects.toThrow(
    /column "age": "4O" is not a number, and the column is numeric/,
  );
});

test('a Parquet file cannot be streamed, and a file DuckDB cannot read is named', async () => {
  const parquet = join(dir, 'train.parquet');
  await expect(buildProfileFromFile(parquet, { engine: 'stream' })).rejects.toThrow('--engine duckdb');
  const broken = join(dir, 'broken.parquet');
  writeFileSync(broken, 'not parquet');
  await expect(buildProfileFromFile(broken)).rejects.toThrow(`cannot read ${broken} with DuckDB`);
});
