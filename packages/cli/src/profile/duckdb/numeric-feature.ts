import type { DuckDBConnection } from '@duckdb/node-api';
import { halfway, type NumericFeatureProfile, nextUp } from '@modelsight/drift';
import { doubleLiteral } from './sql-text';

/** Counts of a column's cells that `buildProfile` does not bin. */
export interface NumericCounts {
  readonly missing: number;
  readonly invalid: number;
  readonly rows: number;
}

/** Settings of one numeric feature. */
export interface NumericSettings {
  readonly bins: number;
  readonly sampleSize: number;
  readonly edges?: readonly number[];
}

// The finite values of the feature, sorted: a row's rowid is its position in sorted order, so that the
// value at any position is one lookup, and the first and last position of a value two more.
const SORTED = 'sorted_values';

async function valuesAt(connection: DuckDBConnection, positions: readonly number[]): Promise<Map<number, number>> {
  if (positions.length === 0) return new Map();
  const unique = [...new Set(positions)];
  const result = await connection.runAndReadAll(`SELECT rowid, v FROM ${SORTED} WHERE rowid IN (${unique.join(', ')})`);
  return new Map(result.getRows().map((r) => [Number(r[0]), Number(r[1])]));
}

/** For each value, the positions of its first and last copy in sorted order. */
async function spans(
  connection: DuckDBConnection,
  values: readonly number[],
): Promise<Map<number, { first: number; last: number }>> {
  const unique = [...new Set(values)];
  const result = await connection.runAndReadAll(
    `SELECT v, min(rowid), max(rowid) FROM ${SORTED} WHERE v IN (${unique.map(doubleLiteral).join(', ')}) GROUP BY v`,
  );
  return new Map(result.getRows().map((r) => [Number(r[0]), { first: Number(r[1]), last: Number(r[2]) }]));
}

/**
 * The inner edges of `binEdges` of `@modelsight/drift`, from positions in the sorted values: for each target
 * count `i·n/bins`, the boundary between two groups of equal values nearest to it (the lower of two equally
 * near), halfway between the two values on either side; a boundary at or below the one before is skipped.
 */
async function innerEdges(connection: DuckDBConnection, n: number, bins: number): Promise<number[]> {
  const targets = Array.from({ length: bins - 1 }, (_, j) => ((j + 1) * n) / bins);
  const at = await valuesAt(
    connection,
    targets.map((t) => Math.floor(t)),
  );
  const groups = await spans(connection, [...at.values()]);
  // The group [start, end) of equal values holding position floor(t): the boundaries nearest to t are its
  // start (the last boundary at or below t) and its end (the first above t).
  const chosen = targets.map((t) => {
    const group = groups.get(at.get(Math.floor(t)) as number) as { first: number; last: number };
    const start = group.first;
    const end = group.last + 1;
    const below = start >= 1 ? start : end;
    const above = end < n ? end : start;
    return t - below <= above - t ? below : above;
  });
  const around = await valuesAt(
    connection,
    chosen.flatMap((k) => [k - 1, k]),
  );
  const edges: number[] = [];
  let previous = 0;
  for (const k of chosen) {
    if (k <= previous) continue;
    previous = k;
    edges.push(halfway(around.get(k - 1) as number, around.get(k) as number));
  }
  return edges;
}

/** `binEdges` of `@modelsight/drift` on the sorted values, without holding them. */
async function binEdgesOfSorted(
  connection: DuckDBConnection,
  n: number,
  min: number,
  max: number,
  bins: number,
): Promise<number[]> {
  if (min === max) return [min, nextUp(max)];
  const ends = await spans(connection, [min, max]);
  const firstBoundary = (ends.get(min) as { last: number }).last + 1;
  const lastBoundary = (ends.get(max) as { first: number }).first;
  const near = await valuesAt(connection, [firstBoundary, lastBoundary - 1]);
  const secondValue = near.get(firstBoundary) as number;
  const secondToLast = near.get(lastBoundary - 1) as number;
  const below = halfway(min - (secondValue - min), min);
  const above = halfway(max, max + (max - secondToLast));
  return [
    Number.isFinite(below) ? below : min,
    ...(await innerEdges(connection, n, bins)),
    Number.isFinite(above) ? above : nextUp(max),
  ];
}

/** The values `buildProfile` keeps as the sample: every value when they are few, else evenly spaced order statistics. */
async function sampleOf(connection: DuckDBConnection, n: number, sampleSize: number): Promise<number[]> {
  if (n <= sampleSize) {
    const all = await connection.runAndReadAll(`SELECT v FROM ${SORTED} ORDER BY rowid`);
    return all.getRows().map((r) => Number(r[0]));
  }
  const positions = Array.from({ length: sampleSize }, (_, i) => Math.floor(((i + 0.5) * n) / sampleSize));
  const values = await valuesAt(connection, positions);
  return positions.map((p) => values.get(p) as number);
}

/**
 * The numeric feature `buildProfile` of `@modelsight/drift` builds from the finite values of `cells`
 * (a SQL relation of one column `v`), computed in DuckDB: the values are sorted once, out of core, and the
 * edges, bin counts and sample read from positions in that order. Edges, counts, proportions, sample,
 * minimum and maximum are exactly `buildProfile`'s; the mean and standard deviation are summed by DuckDB
 * (Kahan–Babuška), so they may differ from `buildProfile`'s running sum in the last digits.
 */
export async function numericFeature(
  connection: DuckDBConnection,
  name: string,
  values: string,
  counts: NumericCounts,
  settings: NumericSettings,
): Promise<NumericFeatureProfile | undefined> {
  await connection.run(`CREATE OR REPLACE TABLE ${SORTED} AS SELECT v FROM (${values}) ORDER BY v`);
  try {
    const summary = await connection.runAndReadAll(`SELECT count(*), min(v), max(v), fsum(v) FROM ${SORTED}`);
    const [count, minValue, maxValue, total] = summary.getRows()[0] as unknown[];
    const n = Number(count);
    if (n === 0) return undefined;
    const min = Number(minValue);
    const max = Number(maxValue);
    const mean = Number(total) / n;
    const spread = await connection.runAndReadAll(`SELECT fsum((v - ${doubleLiteral(mean)}) ** 2) FROM ${SORTED}`);
    const std = Math.sqrt(Number(spread.getRows()[0]?.[0]) / n);
    const edges = settings.edges ? [...settings.edges] : await binEdgesOfSorted(connection, n, min, max, settings.bins);
    // Bin i holds the values with i edges at or below them (binIndex of @modelsight/drift).
    const bounds = [
      `count(*) FILTER (WHERE v < ${doubleLiteral(edges[0] as number)})`,
      ...edges
        .slice(1)
        .map(
          (edge, i) =>
            `count(*) FILTER (WHERE v >= ${doubleLiteral(edges[i] as number)} AND v < ${doubleLiteral(edge)})`,
        ),
      `count(*) FILTER (WHERE v >= ${doubleLiteral(edges[edges.length - 1] as number)})`,
    ];
    const binned = await connection.runAndReadAll(`SELECT ${bounds.join(', ')} FROM ${SORTED}`);
    const binCounts = (binned.getRows()[0] as unknown[]).map(Number);
    return {
      name,
      type: 'numeric',
      count: n,
      missing: counts.missing,
      invalid: counts.invalid,
      missingRate: counts.rows === 0 ? 0 : counts.missing / counts.rows,
      mean,
      std,
      min,
      max,
      edges,
      proportions: binCounts.map((c) => c / n),
      sample: await sampleOf(connection, n, settings.sampleSize),
    };
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${SORTED}`);
  }
}
