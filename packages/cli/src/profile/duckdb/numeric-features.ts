import type { DuckDBConnection } from '@duckdb/node-api';
import type { NumericFeatureProfile } from '@modelsight/drift';
import { CELL, type CellSql } from './cell-sql';
import { type NumericCounts, type NumericSettings, numericFeature, numericRequests } from './numeric-feature';
import { type ColumnSummary, orderStatistics } from './order-statistics';
import { valuesBelowEdges } from './values-below-edges';

/** A numeric column to profile, with what the first pass over the file found in it. */
export interface NumericColumn {
  readonly feature: string;
  readonly cell: CellSql;
  readonly counts: NumericCounts;
  readonly settings: NumericSettings;
  /** Of its finite values: how many, the smallest, the largest, their sum, those below zero, and the −0s. */
  readonly finite: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  readonly negatives: number;
  readonly negativeZeros: number;
  readonly plainSum: number;
}

/**
 * Every numeric feature of the file at once, each the one `buildProfile` of `@modelsight/drift` builds: the
 * finite values of each column become a column of the relation `numbers` (a view over a Parquet file, read
 * column by column; a table for CSV and JSON, whose cells are parsed once rather than at every pass), and
 * their order statistics are found in a few passes over it for all columns together ({@link orderStatistics}).
 * A column without a finite value has no feature (undefined).
 */
export async function numericFeatures(
  connection: DuckDBConnection,
  columns: readonly NumericColumn[],
  materialize: boolean,
): Promise<(NumericFeatureProfile | undefined)[]> {
  const profiled = columns.flatMap((c, i) => (c.finite > 0 ? [{ ...c, index: i, column: `v${i}` }] : []));
  if (profiled.length === 0) return columns.map(() => undefined);
  const select = profiled
    .map(
      ({ cell, column }) =>
        `CASE WHEN ${cell.kind} = ${CELL.number} AND isfinite(${cell.number}) THEN ${cell.number} END AS ${column}`,
    )
    .join(', ');
  await connection.run(`CREATE ${materialize ? 'TABLE' : 'VIEW'} numbers AS SELECT ${select} FROM source`);
  try {
    // Kahan–Babuška summation gives NaN where the sum overflows; the plain sum then says which infinity.
    const means = profiled.map((c) => (Number.isNaN(c.sum) ? c.plainSum : c.sum) / c.finite);
    const summaries: ColumnSummary[] = profiled.map((c, i) => ({
      mean: means[i] as number,
      column: c.column,
      n: c.finite,
      min: c.min,
      max: c.max,
      negatives: c.negatives,
      negativeZeros: c.negativeZeros,
    }));
    const stats = await orderStatistics(
      connection,
      summaries,
      profiled.map((c) => numericRequests(c.finite, c.settings)),
    );
    const explicit = profiled.filter((c) => c.settings.edges !== undefined);
    const below = await valuesBelowEdges(
      connection,
      explicit.map((c) => ({ column: c.column, edges: c.settings.edges as readonly number[] })),
    );
    const features: (NumericFeatureProfile | undefined)[] = columns.map(() => undefined);
    profiled.forEach((c, i) => {
      features[c.index] = numericFeature(
        c.feature,
        {
          n: c.finite,
          mean: means[i] as number,
          std: Math.sqrt((stats[i]?.squares as number) / c.finite),
        },
        stats[i] as (typeof stats)[number],
        c.counts,
        c.settings,
        below[explicit.indexOf(c)],
      );
    });
    return features;
  } finally {
    await connection.run(`DROP ${materialize ? 'TABLE' : 'VIEW'} IF EXISTS numbers`);
  }
}
