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
import { CELL, type CellSql } from './cell-sql';
import { openSource } from './duckdb-source';
import { loadDuckDB } from './load-duckdb';
import { numericFeatures } from './numeric-features';

/** Memory DuckDB may use before it spills to disk; the process stays under about twice this. */
const MEMORY_LIMIT = '512MB';

/** What one column holds, counted in one pass over the file for every column at once. */
interface ColumnCounts {
  readonly missing: number;
  readonly nan: number;
  readonly finite: number;
  readonly infinite: number;
  readonly text: number;
  readonly neither: number;
  readonly firstText: string | null;
  readonly firstNumber: string | null;
  readonly firstNeither: string | null;
  /** Of the finite numbers: the smallest, the largest, their sum, those below zero, and the −0s. */
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  readonly negatives: number;
  readonly negativeZeros: number;
}

/** Aggregates per column in {@link countColumns}. */
const PER_COLUMN = 14;

const shownText = (value: string | null): string =>
  value === null ? '' : JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);

async function countColumns(
  connection: import('@duckdb/node-api').DuckDBConnection,
  columns: readonly { source: string; cell: CellSql }[],
): Promise<{ rows: number; counts: ColumnCounts[] }> {
  const parts = columns.flatMap(({ cell }) => {
    const finite = `${cell.kind} = ${CELL.number} AND isfinite(${cell.number})`;
    return [
      `count(*) FILTER (WHERE ${cell.kind} = ${CELL.missing})`,
      `count(*) FILTER (WHERE ${cell.kind} = ${CELL.number} AND isnan(${cell.number}))`,
      `count(*) FILTER (WHERE ${cell.kind} = ${CELL.number} AND isfinite(${cell.number}))`,
      `count(*) FILTER (WHERE ${cell.kind} = ${CELL.number} AND isinf(${cell.number}))`,
      `count(*) FILTER (WHERE ${cell.kind} = ${CELL.text})`,
      `count(*) FILTER (WHERE ${cell.kind} = ${CELL.neither})`,
      `first(${cell.shown}) FILTER (WHERE ${cell.kind} = ${CELL.text})`,
      `first(${cell.shown}) FILTER (WHERE ${cell.kind} = ${CELL.number})`,
      `first(${cell.shown}) FILTER (WHERE ${cell.kind} = ${CELL.neither})`,
      `min(${cell.number}) FILTER (WHERE ${finite})`,
      `max(${cell.number}) FILTER (WHERE ${finite})`,
      `fsum(${cell.number}) FILTER (WHERE ${finite})`,
      `count(*) FILTER (WHERE ${finite} AND ${cell.number} < 0)`,
      `count(*) FILTER (WHERE ${finite} AND ${cell.number} = 0 AND signbit(${cell.number}))`,
    ];
  });
  const result = await connection.runAndReadAll(`SELECT count(*)${parts.map((p) => `, ${p}`).join('')} FROM source`);
  const row = result.getRows()[0] as unknown[];
  const at = (i: number) => row[i];
  const counts = columns.map((_, c) => {
    const base = 1 + c * PER_COLUMN;
    const text = (i: number) => (at(base + i) === null ? null : String(at(base + i)));
    return {
      missing: Number(at(base)),
      nan: Number(at(base + 1)),
      finite: Number(at(base + 2)),
      infinite: Number(at(base + 3)),
      text: Number(at(base + 4)),
      neither: Number(at(base + 5)),
      firstText: text(6),
      firstNumber: text(7),
      firstNeither: text(8),
      min: Number(at(base + 9)),
      max: Number(at(base + 10)),
      sum: Number(at(base + 11)),
      negatives: Number(at(base + 12)),
      negativeZeros: Number(at(base + 13)),
    };
  });
  return { rows: Number(at(0)), counts };
}

/** The type of a column, declared or inferred as the streaming readers infer it; refuses a mixed column. */
function typeOf(
  source: string,
  counts: ColumnCounts,
  declared: FeatureType | undefined,
  declaredBy: string | undefined,
): FeatureType | 'empty' {
  const numbers = counts.finite + counts.infinite;
  const other = counts.text + counts.neither;
  const example = shownText(counts.firstText ?? counts.firstNeither);
  if (declared === 'numeric' && other > 0) {
    throw new InputError(
      `column ${JSON.stringify(source)}: ${example} is not a number, and the column is numeric (${declaredBy})`,
    );
  }
  if (declared !== undefined) return declared;
  if (numbers > 0 && other > 0) {
    throw new InputError(
      `column ${JSON.stringify(source)} mixes numbers (such as ${counts.firstNumber}) and text (such as ${example}); ` +
        `fix the values, or give --type ${source}=categorical to read the column as categories`,
    );
  }
  if (numbers > 0) return 'numeric';
  return other > 0 ? 'categorical' : 'empty';
}

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
    const { rows, counts } = await countColumns(connection, planned);
    const typed = planned.flatMap((p, i) => {
      const type = typeOf(p.source, counts[i] as ColumnCounts, p.plan.type, p.plan.typeFrom);
      if (type !== 'empty') return [{ ...p, type, counts: counts[i] as ColumnCounts }];
      options.onWarning?.(`column ${JSON.stringify(p.source)} holds no value: it is left out`);
      return [];
    });
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
