import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '../../input/input-error';
import { type CellSql, csvCell, jsonCell, parquetCell } from './cell-sql';
import { literal } from './sql-text';

/** A data file as DuckDB reads it: its columns in file order, and the cells of each. */
export interface DuckDBSource {
  /** Column names, in the order of the file (first seen, for JSON). */
  readonly columns: readonly string[];
  /** Per column, the SQL that reads its cells from the relation `source`. */
  cell(column: string): CellSql;
}

/** How the file is read. */
export interface SourceOptions {
  readonly format: 'csv' | 'jsonl' | 'json' | 'parquet';
  readonly delimiter: string;
  readonly missingValues: readonly string[];
}

// No cell is ever this text: CSV cells stay text (the empty one included), and missing values are decided
// by the list of markers, as the streaming reader decides them.
const NEVER_NULL = '\u0001modelsight-no-null\u0001';

/**
 * Makes the relation `source` over `file`. CSV and JSON are parsed once into a table (every cell of a CSV
 * as text, every record of a JSON file as JSON); Parquet stays a view, since DuckDB reads only the
 * columns a query needs.
 *
 * @throws InputError naming the file when DuckDB cannot read it.
 */
export async function openSource(
  connection: DuckDBConnection,
  file: string,
  options: SourceOptions,
): Promise<DuckDBSource> {
  const path = literal(file);
  try {
    if (options.format === 'parquet') {
      await connection.run(`CREATE VIEW source AS SELECT * FROM read_parquet(${path})`);
      const described = await connection.runAndReadAll('DESCRIBE source');
      const types = new Map(described.getRowObjects().map((r) => [String(r.column_name), String(r.column_type)]));
      return { columns: [...types.keys()], cell: (column) => parquetCell(column, types.get(column) ?? 'VARCHAR') };
    }
    if (options.format === 'csv') {
      await connection.run(
        `CREATE TABLE source AS SELECT * FROM read_csv(${path}, all_varchar = true, header = true, delim = ${literal(options.delimiter)}, quote = '"', escape = '"', nullstr = ${literal(NEVER_NULL)}, strict_mode = true)`,
      );
      const described = await connection.runAndReadAll('DESCRIBE source');
      const columns = described.getRowObjects().map((r) => String(r.column_name));
      return { columns, cell: (column) => csvCell(column, options.missingValues) };
    }
    const format = options.format === 'jsonl' ? 'newline_delimited' : 'array';
    await connection.run(
      `CREATE TABLE source AS SELECT json, row_number() OVER () AS line FROM read_json_objects(${path}, format = ${literal(format)})`,
    );
    // Keys in the order they first appear, as the streaming reader meets them.
    const keys = await connection.runAndReadAll(
      `SELECT key FROM (SELECT line, keys FROM (SELECT line, json_keys(json) AS keys FROM source WHERE json_type(json) = 'OBJECT')), unnest(keys) WITH ORDINALITY AS k(key, position) GROUP BY key ORDER BY min(line * 1000000 + position)`,
    );
    return { columns: keys.getRows().map((r) => String(r[0])), cell: (column) => jsonCell(column) };
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read ${file} with DuckDB: ${(error as Error).message.split('\n')[0]}`);
  }
}
