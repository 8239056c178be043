import { ValueError, type Column } from '../table/column';
import type { Table } from '../table/table';

/** Puts one value of a JSON record into its column, with JSON's own types: `null` is missing, a boolean a category. */
export function pushJsonValue(column: Column, value: unknown): void {
  if (value === null || value === undefined) column.pushMissing();
  else if (typeof value === 'number') column.pushNumber(value, value);
  else if (typeof value === 'string') column.pushText(value, value);
  else if (typeof value === 'boolean') column.pushText(String(value), value);
  else column.pushInvalid(value);
}

const kindOf = (value: unknown): string =>
  Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;

/** Puts one JSON record (an object: column name → value) into the table as one row. */
export function pushJsonRecord(record: unknown, table: Table): void {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new ValueError(`expected a JSON object (one record), got ${kindOf(record)}`);
  }
  for (const key of Object.keys(record)) {
    const column = table.column(key);
    if (column !== undefined) pushJsonValue(column, (record as Record<string, unknown>)[key]);
  }
  table.endRow();
}
