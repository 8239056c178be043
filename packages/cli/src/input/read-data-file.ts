import { InputError } from '../input/input-error';
import type { DataFileOptions } from '../input/data-file-options';
import { resolveDelimiter, resolveFormat } from '../input/input-format';
import { openInput } from '../input/open-input';
import { readTable } from '../input/read-table';
import { SILENT_PROGRESS } from '../output/progress-bar';
import { DEFAULT_MISSING_VALUES } from '../table/cell-text';
import { Table, type ColumnPlanner } from '../table/table';

/**
 * Reads a data file into a table of the columns `planner` keeps; `checkColumns` runs as soon as
 * the column names are known. Remarks go to `options.onWarning`.
 */
export async function readDataFile(
  file: string,
  options: DataFileOptions,
  planner: ColumnPlanner,
  checkColumns: (sources: readonly string[]) => void,
): Promise<Table> {
  const format = resolveFormat(file, options.format);
  if (format === 'parquet') {
    throw new InputError(
      `${file} is a Parquet file: profile build reads it with DuckDB (--engine duckdb); other commands read CSV and JSON`,
    );
  }
  const delimiter = resolveDelimiter(file, options.delimiter);
  const progress = options.progress ?? SILENT_PROGRESS;
  const input = openInput(file);
  const table = new Table(planner);
  await readTable(input, {
    format,
    delimiter,
    missingValues: options.missingValues ?? DEFAULT_MISSING_VALUES,
    table,
    onColumns: checkColumns,
    onRows: (rows) => progress.reading(rows, input.bytesRead(), input.size),
    warn: (message) => options.onWarning?.(message),
  });
  return table;
}

/** Throws an InputError naming the option when a column it names is not in the file. */
export function requireColumns(
  file: string,
  sources: readonly string[],
  named: readonly [option: string, column: string | undefined][],
): void {
  const present = new Set(sources);
  for (const [option, column] of named) {
    if (column !== undefined && !present.has(column)) {
      const list = sources
        .slice(0, 12)
        .map((s) => JSON.stringify(s))
        .join(', ');
      throw new InputError(
        `${option} names the column ${JSON.stringify(column)}, which ${file === '-' ? 'the input' : file} does not have (its columns: ${list}${sources.length > 12 ? ', ...' : ''})`,
      );
    }
  }
}

/** The options that name the label and output columns, as the command line spells them. */
export const roleColumns = (options: DataFileOptions): [string, string | undefined][] => [
  ['--label', options.label],
  ['--prediction-label', options.predictionLabel],
  ['--prediction-confidence', options.predictionConfidence],
];
