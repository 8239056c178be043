import { DECIMAL_PATTERN, INFINITE_PATTERN } from '../../table/cell-text';
import { identifier, jsonKeyPath, literal } from './sql-text';

/** What a cell holds, as the streaming readers sort values: see {@link CellSql.kind}. */
export const CELL = { missing: 0, number: 1, text: 2, neither: 3 } as const;

/** SQL expressions over one column of the `cells` relation's source. */
export interface CellSql {
  /** 0 missing, 1 a number, 2 text or a boolean (a category), 3 neither (an object or an array). */
  readonly kind: string;
  /** The number of a cell of kind 1, as DOUBLE (±inf possible; NaN read from Parquet counts as missing). */
  readonly number: string;
  /** The category of a cell of kind 2. */
  readonly text: string;
  /**
   * The category of a number when the column is read as categories: its text in a CSV file (`02134` stays
   * `02134`); absent where a number has no text of its own (JSON, Parquet): the number is then written as
   * JavaScript writes it, as `buildProfile` does.
   */
  readonly numberText?: string;
  /** The cell as error messages show it. */
  readonly shown: string;
  /** The kinds a cell of the column can be, when fewer than all: what is not counted is known to be 0. */
  readonly kinds?: readonly number[];
}

const NUMERIC_TYPES =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;
const NESTED_TYPES = /(\[\]|^STRUCT|^MAP|^UNION|^LIST)/;

// RE2, DuckDB's regular expressions, reads these patterns as JavaScript does.
const decimal = (x: string) => `regexp_full_match(${x}, ${literal(DECIMAL_PATTERN)})`;
const infinite = (x: string) => `regexp_full_match(${x}, ${literal(INFINITE_PATTERN)})`;

/**
 * A CSV cell (read as text): missing when it is one of `missingValues` (the empty cell included when
 * listed), a number when it reads as a decimal number or an infinity, text otherwise — the rules of
 * the streaming CSV reader.
 */
export function csvCell(column: string, missingValues: readonly string[]): CellSql {
  const x = identifier(column);
  const missing = missingValues.length === 0 ? 'false' : `${x} IN (${missingValues.map(literal).join(', ')})`;
  const stripped = `regexp_replace(${x}, '^\\s+|\\s+$', '', 'g')`;
  return {
    kind: `CASE WHEN ${x} IS NULL OR ${missing} THEN 0 WHEN ${decimal(x)} OR ${infinite(x)} THEN 1 ELSE 2 END`,
    number: `CASE WHEN ${decimal(x)} THEN TRY_CAST(${stripped} AS DOUBLE) WHEN ${infinite(x)} THEN (CASE WHEN starts_with(${stripped}, '-') THEN '-inf' ELSE 'inf' END)::DOUBLE END`,
    text: x,
    numberText: x,
    shown: x,
  };
}

/** A value of a JSON record (JSON Lines or an array of records): `null` or an absent key is missing. */
export function jsonCell(key: string): CellSql {
  const j = `json_extract(json, ${jsonKeyPath(key)})`;
  const type = `json_type(${j})`;
  return {
    kind: `CASE WHEN ${j} IS NULL OR ${type} = 'NULL' THEN 0 WHEN ${type} IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT') THEN 1 WHEN ${type} IN ('VARCHAR', 'BOOLEAN') THEN 2 ELSE 3 END`,
    number: `TRY_CAST(${j} AS DOUBLE)`,
    text: `CASE WHEN ${type} = 'VARCHAR' THEN json_extract_string(json, ${jsonKeyPath(key)}) ELSE CAST(${j} AS VARCHAR) END`,
    shown: `CAST(${j} AS VARCHAR)`,
  };
}

/** A Parquet column of DuckDB type `type`: numbers are numbers, nested values neither, anything else text. */
export function parquetCell(column: string, type: string): CellSql {
  const x = identifier(column);
  if (NUMERIC_TYPES.test(type)) {
    return {
      kind: `CASE WHEN ${x} IS NULL OR isnan(${x}::DOUBLE) THEN 0 ELSE 1 END`,
      number: `${x}::DOUBLE`,
      text: `CAST(${x} AS VARCHAR)`,
      shown: `CAST(${x} AS VARCHAR)`,
      kinds: [CELL.missing, CELL.number],
    };
  }
  const nested = NESTED_TYPES.test(type);
  return {
    kind: `CASE WHEN ${x} IS NULL THEN 0 ELSE ${nested ? 3 : 2} END`,
    number: 'NULL::DOUBLE',
    text: `CAST(${x} AS VARCHAR)`,
    shown: `CAST(${x} AS VARCHAR)`,
    kinds: [CELL.missing, nested ? CELL.neither : CELL.text],
  };
}
