import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProfile, type DriftProfile, type FeatureProfile, type FeatureType } from '@modelsight/drift';
import { InputError } from '../../input/input-error';
import { resolveDelimiter } from '../../input/input-format';
import { DEFAULT_MISSING_VALUES } from '../../table/cell-text';
import { profilePlanner } from '../../table/column-planners';
import type { ProfileFileOptions } from '../build-profile-from-file';
import { categoricalFeature } from './categorical-feature';
import { type ColumnCounts, countColumns, typeOf } from './column-counts';
import { CELL, type CellSql } from './cell-sql';
import { openSource } from './duckdb-source';
import { loadDuckDB } from './load-duckdb';
import { numericFeatures } from './numeric-features';

/** Memory DuckDB may use before it spills to disk; the process stays under about twice this. */
const MEMORY_LIMIT = '512MB';

/**
 * The reference profile of a data file computed by DuckDB, for files too large to hold or to parse in one
 * thread: CSV, JSON Lines, JSON and Parquet, read out of core on every core. Values are read by the rules of
 * the streaming readers (CSV cells, JSON types, the same missing-value markers, the same refusal of a column
 * that mixes numbers and text), and each feature is the one `buildProfile` builds from the same values: the
 * same edges, counts, proportions, sample, categories; mean and standard deviation equal to the last digits.
 *
 * @throws InputError when DuckDB is not installed, the file cannot be read, or a value does not fit its column.
 */
export async function buildProfileWithDuckDB(
  file: string,
  format: 'csv' | 'jsonl' | 'json' | 'parquet',
  options: ProfileFileOptions,
  requireNamedColumns: (sources: readonly string[]) => void,
): Promise<DriftProfile> {
  if (file === '-') throw new InputError('the DuckDB engine reads files, not standard input');
  const settings = { bins: options.bins, topK: options.topK, sampleSize: options.sampleSize };
  // buildProfile checks the options and says what it would for no rows: the same errors, the same defaults.
  const empty = buildProfile([], settings);
  const bins = options.bins ?? 10;
  const topK = options.topK ?? 20;
  const sampleSize = options.sampleSize ?? 1000;
  const duckdb = await loadDuckDB('--engine duckdb');
  const dir = mkdtempSync(join(tmpdir(), 'modelsight-duckdb-'));
  const instance = await duckdb.DuckDBInstance.create(join(dir, 'profile.duckdb'), {
    memory_limit: MEMORY_LIMIT,
    temp_directory: join(dir, 'spill'),
  });
  const connection = await instance.connect();
  try {
    options.progress?.step('reading with DuckDB');
    const source = await openSource(connection, file, {
      format,
      delimiter: resolveDelimiter(file, options.delimiter),
      missingValues: options.missingValues ?? DEFAULT_MISSING_VALUES,
    });
    requireNamedColumns(source.columns);
    const planner = profilePlanner(options);
    const planned = source.columns.flatMap((column) => {
      const plan = planner(column);
      return plan === undefined ? [] : [{ source: column, plan, cell: source.cell(column) }];
    });
    const { rows, counts } = await countColumns(
      connection,
      planned.map((p) => p.cell),
    );
    const typed: ((typeof planned)[number] & { type: FeatureType; counts: ColumnCounts })[] = [];
    for (const [i, p] of planned.entries()) {
      const c = counts[i] as ColumnCounts;
      const type = await typeOf(connection, p.source, p.cell, c, p.plan.type, p.plan.typeFrom);
      if (type !== 'empty') typed.push({ ...p, type, counts: c });
      else options.onWarning?.(`column ${JSON.stringify(p.source)} holds no value: it is left out`);
    }
    const numeric = typed.filter((t) => t.type === 'numeric');
    options.progress?.step(`profiling ${numeric.length} numeric features`);
    const numericProfiles = await numericFeatures(
      connection,
      numeric.map(({ source: column, plan, cell, counts: c }) => ({
        feature: plan.feature,
        cell,
        counts: { missing: c.missing + c.nan, invalid: c.infinite, rows },
        settings: { bins, sampleSize, edges: explicitEdges(plan.feature, column, options) },
        finite: c.finite,
        min: c.min,
        max: c.max,
        sum: c.sum,
        negatives: c.negatives,
        negativeZeros: c.negativeZeros,
        plainSum: c.plainSum,
      })),
      format !== 'parquet',
    );
    const features: FeatureProfile[] = [];
    for (const [i, { plan, cell, type, counts: c }] of typed.entries()) {
      if (type === 'numeric') {
        const feature = numericProfiles[numeric.findIndex((t) => t.plan === plan)];
        if (feature !== undefined) features.push(feature);
        continue;
      }
      options.progress?.step(`profiling ${plan.feature} (${i + 1} of ${typed.length})`);
      const feature = await categoricalFeature(
        connection,
        plan.feature,
        categorySources(cell),
        { missing: c.missing + c.nan, invalid: c.neither, rows },
        { topK, maxOtherCategories: 1000 },
      );
      if (feature !== undefined) features.push(feature);
    }
    if (features.length === 0) throw new InputError(`${file} has no column to profile`);
    return { ...empty, rows, features };
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Where a categorical column's categories come from: its text, and its numbers (their text, or as JavaScript writes them). */
function categorySources(cell: CellSql) {
  const texts = `SELECT ${cell.text} AS category FROM source WHERE ${cell.kind} = ${CELL.text}`;
  if (cell.numberText !== undefined) {
    return {
      texts: `${texts} UNION ALL SELECT ${cell.numberText} AS category FROM source WHERE ${cell.kind} = ${CELL.number}`,
    };
  }
  return { texts, numbers: `SELECT ${cell.number} AS number FROM source WHERE ${cell.kind} = ${CELL.number}` };
}

/** Explicit edges of a feature, checked as `buildProfile` checks them. */
function explicitEdges(feature: string, column: string, options: ProfileFileOptions): readonly number[] | undefined {
  const edges = options.edges?.[column] ?? options.edges?.[feature];
  if (edges === undefined) return undefined;
  buildProfile([], { features: [feature], types: { [feature]: 'numeric' }, edges: { [feature]: edges } });
  return edges;
}
