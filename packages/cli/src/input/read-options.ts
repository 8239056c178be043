import type { Table } from '../table/table';
import type { InputFormat } from './input-format';

/** How a data file is read into a {@link Table}. */
export interface ReadTableOptions {
  readonly format: Exclude<InputFormat, 'parquet'>;
  /** CSV only. */
  readonly delimiter: string;
  /** CSV cells read as missing values. */
  readonly missingValues: readonly string[];
  readonly table: Table;
  /**
   * Called once the column names are known (after a CSV header, or at the end of JSON input), to
   * check the options that name columns before any more work is done.
   */
  readonly onColumns?: (sources: readonly string[]) => void;
  /** Called every few thousand rows, and at the end. */
  readonly onRows?: (rows: number) => void;
  /** Non-fatal remarks (an unnamed column that was left out, ...). */
  readonly warn?: (message: string) => void;
}

/** Rows between two progress calls. */
export const ROWS_PER_PROGRESS = 16_384;
