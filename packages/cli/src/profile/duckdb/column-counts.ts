import type { DuckDBConnection } from '@duckdb/node-api';
import type { FeatureType } from '@modelsight/drift';
import { InputError } from '../../input/input-error';
import { CELL, type CellSql } from './cell-sql';

/** What one column holds, counted in one pass over the file for every column at once. */
export interface ColumnCounts {
  readonly missing: number;
  readonly nan: number;
  readonly finite: number;
  readonly infinite: number;
  readonly text: number;
  readonly neither: number;
  /** Of the finite numbers: the smallest, the largest, their sum, those below zero, and the −0s. */
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  readonly negatives: number;
  readonly negativeZeros: number;
  /** Their plain sum: +∞ or −∞ where `sum` (Kahan–Babuška, NaN then) overflows. */
  readonly plainSum: number;
}

const KEYS = [
  'missing',
  'nan',
  'finite',
  'infinite',
  'text',
  'neither',
  'min',
  'max',
  'sum',
  'negatives',
  'negativeZeros',
  'plainSum',
] as const;

/** A column whose cells are missing (NULL, NaN) or numbers, as in a numeric Parquet column: no kind to compute. */
const numbersOnly = (cell: CellSql): boolean =>
  cell.kinds?.every((kind) => kind === CELL.missing || kind === CELL.number) === true;

// `count_if` costs DuckDB less than `count(*) FILTER (...)` (about a third) or a sum of booleans; the
// aggregates of a kind the column cannot hold (text in a numeric Parquet column) are left out, known to be 0.
function aggregates(i: number, cell: CellSql): (string | 0)[] {
  const can = (kind: number) => cell.kinds === undefined || cell.kinds.includes(kind);
  const numbers = can(CELL.number);
  const ifNumbers = (sql: string) => (numbers ? sql : 0);
  const only = numbersOnly(cell);
  return [
    only ? `count(*) - count(f${i}) - count_if(isinf(x${i}))` : `count_if(k${i} = ${CELL.missing})`,
    only ? 0 : ifNumbers(`count_if(k${i} = ${CELL.number} AND isnan(x${i}))`),
    ifNumbers(`count(f${i})`),
    ifNumbers(only ? `count_if(isinf(x${i}))` : `count_if(k${i} = ${CELL.number} AND isinf(x${i}))`),
    can(CELL.text) ? `count_if(k${i} = ${CELL.text})` : 0,
    can(CELL.neither) ? `count_if(k${i} = ${CELL.neither})` : 0,
    ifNumbers(`min(f${i})`),
    ifNumbers(`max(f${i})`),
    ifNumbers(`fsum(f${i})`),
    ifNumbers(`count_if(f${i} < 0)`),
    ifNumbers(`count_if(f${i} = 0 AND signbit(f${i}))`),
    ifNumbers(`sum(f${i})`),
  ];
}

/**
 * Counts the kinds of cells of every column in one pass over `source` (each cell's kind and number computed
 * once), with what the numeric features need of their finite values before their order statistics.
 */
export async function countColumns(
  connection: DuckDBConnection,
  cells: readonly CellSql[],
): Promise<{ rows: number; counts: ColumnCounts[] }> {
  const kinds = cells.map((cell, i) => `${cell.kind} AS k${i}, ${cell.number} AS x${i}`);
  // Where a cell is missing or a number, NaN and NULL are the missing ones: finite is all there is to test.
  const finite = cells.map(
    (cell, i) =>
      `CASE WHEN ${numbersOnly(cell) ? '' : `k${i} = ${CELL.number} AND `}isfinite(x${i}) THEN x${i} END AS f${i}`,
  );
  const parts = cells.map((cell, i) => aggregates(i, cell));
  const queried = parts.flat().filter((p) => p !== 0);
  const result = await connection.runAndReadAll(
    `SELECT count(*)${queried.map((p) => `, ${p}`).join('')} FROM (SELECT *, ${finite.join(', ')} FROM (SELECT ${kinds.join(', ')} FROM source))`,
  );
  const row = result.getRows()[0] as unknown[];
  let at = 1;
  const counts = parts.map(
    (column) =>
      Object.fromEntries(
        column.map((part, i) => [KEYS[i], part === 0 ? 0 : Number(row[at++] ?? 0)]),
      ) as unknown as ColumnCounts,
  );
  return { rows: Number(row[0]), counts };
}

const shownText = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
};

/** The first number, text and neither of a column, for an error message. */
async function examples(connection: DuckDBConnection, cell: CellSql): Promise<unknown[]> {
  const first = (kind: number) => `first(${cell.shown}) FILTER (WHERE ${cell.kind} = ${kind})`;
  const result = await connection.runAndReadAll(
    `SELECT ${first(CELL.number)}, ${first(CELL.text)}, ${first(CELL.neither)} FROM source`,
  );
  return result.getRows()[0] as unknown[];
}

/** The type of a column, declared or inferred as the streaming readers infer it; refuses a mixed column. */
export async function typeOf(
  connection: DuckDBConnection,
  source: string,
  cell: CellSql,
  counts: ColumnCounts,
  declared: FeatureType | undefined,
  declaredBy: string | undefined,
): Promise<FeatureType | 'empty'> {
  const numbers = counts.finite + counts.infinite;
  const other = counts.text + counts.neither;
  if (declared === 'numeric' && other > 0) {
    const [, text, neither] = await examples(connection, cell);
    throw new InputError(
      `column ${JSON.stringify(source)}: ${shownText(text ?? neither)} is not a number, and the column is numeric (${declaredBy})`,
    );
  }
  if (declared !== undefined) return declared;
  if (numbers > 0 && other > 0) {
    const [number, text, neither] = await examples(connection, cell);
    throw new InputError(
      `column ${JSON.stringify(source)} mixes numbers (such as ${number}) and text (such as ${shownText(text ?? neither)}); ` +
        `fix the values, or give --type ${source}=categorical to read the column as categories`,
    );
  }
  if (numbers > 0) return 'numeric';
  return other > 0 ? 'categorical' : 'empty';
}
