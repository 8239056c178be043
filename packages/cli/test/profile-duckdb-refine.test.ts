import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { numericRequests } from '../src/profile/duckdb/numeric-feature';
import {
  type ColumnSummary,
  type OrderStatistics,
  orderStatistics,
  type RankRequests,
  type RefineLimits,
  type RefineTrace,
} from '../src/profile/duckdb/order-statistics';

// Columns of unrounded values (almost none repeated) are where reading a needed bucket as its distinct values
// costs as many rows as the bucket holds values. The search splits such buckets instead: these tests check that
// its answers are still the exact order statistics of a sort, and that the rows it reads stay proportional to
// the ranks asked rather than to the size of the buckets holding them.

const ROWS = 2_000_000;
let instance: DuckDBInstance;
let connection: Awaited<ReturnType<DuckDBInstance['connect']>>;
let columns: ColumnSummary[];
let sorted: Float64Array[];

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  connection = await instance.connect();
  await connection.run('SELECT setseed(0.25)');
  // A normal (crowded in the middle, 2M values in 65,536 first-level buckets: about 130 in the fullest), values
  // piled up near 0 (u^12: a third of them in the first bucket, and again in the first of its smaller buckets),
  // and a uniform column with one value in ten repeated.
  await connection.run(`CREATE TABLE numbers AS SELECT
      sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS v0,
      pow(random(), 12) AS v1,
      CASE WHEN i % 10 = 0 THEN 0.5 ELSE random() END AS v2
    FROM range(${ROWS}) t(i)`);
  columns = [];
  sorted = [];
  for (const column of ['v0', 'v1', 'v2']) {
    const read = await connection.runAndReadAll(`SELECT ${column} FROM numbers`);
    const values = Float64Array.from(read.getRows().map((r) => Number(r[0])));
    values.sort();
    sorted.push(values);
    const n = values.length;
    let sum = 0;
    for (const x of values) sum += x;
    columns.push({
      column,
      n,
      min: values[0] as number,
      max: values[n - 1] as number,
      mean: sum / n,
      negatives: values.findIndex((x) => x >= 0),
      negativeZeros: 0,
    });
  }
});
afterAll(() => {
  connection?.closeSync();
  instance?.closeSync();
});

/** The ranks a profile of the default settings asks: 1,000 sample ranks, both ends, the 9 inner edges' targets. */
const requests = (): RankRequests[] => columns.map((c) => numericRequests(c.n, { bins: 10, sampleSize: 1000 }));

/** The first position of sorted `values` holding `x` or more (`above`: more than `x`), by bisection. */
function firstAtOrAbove(values: Float64Array, x: number, above: boolean): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const v = values[middle] as number;
    if (v < x || (above && v === x)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Each answer as a sort gives it. */
function expectExact(stats: OrderStatistics[], asked: RankRequests[]) {
  stats.forEach((s, i) => {
    const values = sorted[i] as Float64Array;
    for (const rank of (asked[i] as RankRequests).values) expect(s.values.get(rank)).toBe(values[rank]);
    for (const rank of (asked[i] as RankRequests).groups) {
      const x = values[rank] as number;
      const start = firstAtOrAbove(values, x, false);
      const end = firstAtOrAbove(values, x, true);
      expect(s.groups.get(rank)).toEqual({
        value: x,
        start,
        end,
        before: start === 0 ? undefined : values[start - 1],
        after: end === values.length ? undefined : values[end],
      });
    }
  });
}

async function search(limits: RefineLimits): Promise<RefineTrace> {
  const trace: RefineTrace = { passes: 0, rows: 0 };
  const asked = requests();
  expectExact(await orderStatistics(connection, columns, asked, limits, trace), asked);
  return trace;
}

test('unrounded values are split down to a few per rank asked, and every answer is the one a sort gives', async () => {
  const split = await search({});

  // Every bucket read as its values instead: the rows read grow with the values in those buckets.
  const whole = await search({ readPerRank: Number.POSITIVE_INFINITY });
  const ranks = requests().reduce((total, r) => total + new Set([...r.values, ...r.groups]).size, 0);
  expect(split.passes).toBeGreaterThan(whole.passes);
  // 2M values: about 90 rows per rank over 4 passes, against about 430 when every needed bucket is read whole.
  expect(split.rows).toBeLessThan(100 * ranks);
  expect(split.rows * 4).toBeLessThan(whole.rows);
}, 120_000);

test('a coarse first level and few values per rank split again and again, to the finest grid, still exactly', async () => {
  const trace = await search({ firstBits: 4, readPerRank: 2 });
  expect(trace.passes).toBeGreaterThanOrEqual(4);
}, 120_000);
