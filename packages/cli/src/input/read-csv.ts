import { parse, type CsvError } from 'csv-parse';
import { ValueError, type Column } from '../table/column';
import { decimalValue, infinityOf, isDecimal } from '../table/cell-text';
import { InputError } from './input-error';
import { streamErrorMessage, type OpenedInput } from './open-input';
import { ROWS_PER_PROGRESS, type ReadTableOptions } from './read-options';

const OTHER_DELIMITERS = [',', ';', '\t', '|'];
const delimiterName = (d: string): string => (d === '\t' ? 'tab' : JSON.stringify(d));

/** Columns of the header, checked: names must be unique; a column without a name is left out. */
function readHeader(input: OpenedInput, record: string[], options: ReadTableOptions): (Column | undefined)[] {
  if (record.length === 1) {
    const suspect = OTHER_DELIMITERS.find((d) => d !== options.delimiter && (record[0] as string).includes(d));
    if (suspect !== undefined) {
      throw new InputError(
        `${input.name}: the header is a single column (${JSON.stringify((record[0] as string).slice(0, 60))}); ` +
          `the fields seem to be separated by ${delimiterName(suspect)}, not ${delimiterName(options.delimiter)}: give --delimiter ${suspect === '\t' ? 'tab' : `'${suspect}'`}`,
      );
    }
  }
  const seen = new Set<string>();
  const columns = record.map((name, i) => {
    if (seen.has(name)) throw new InputError(`${input.name} line 1: the header names the column ${JSON.stringify(name)} twice`);
    seen.add(name);
    if (name.trim() === '') {
      options.warn?.(`${input.name}: column ${i + 1} has no name in the header; it is left out`);
      return undefined;
    }
    return options.table.column(name);
  });
  options.onColumns?.(options.table.sources);
  return columns;
}

function csvErrorMessage(input: OpenedInput, error: CsvError & { record?: unknown[]; lines?: number }, fields: number | undefined): string {
  if (error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' && Array.isArray(error.record) && fields !== undefined) {
    return `${input.name} line ${error.lines}: ${error.record.length} fields where the header has ${fields}`;
  }
  return `${input.name}: ${error.message}`;
}

/**
 * Streams a CSV file into the table with `csv-parse`: the first record is the header, every other
 * one a row with as many fields. Cells are numbers when they read as decimal numbers, missing
 * when they are one of the missing-value markers, text otherwise; a column declared categorical
 * keeps its text as it is (`"007"` stays `"007"`).
 */
export function readCsv(input: OpenedInput, options: ReadTableOptions): Promise<void> {
  const { table } = options;
  const missing = new Set(options.missingValues);
  // A numeric marker such as -999 must be looked up before the cell is read as a number.
  const numericMarkers = options.missingValues.some(isDecimal);
  const parser = parse({ delimiter: options.delimiter, bom: true, skip_empty_lines: true });
  let header: (Column | undefined)[] | undefined;

  const pushCell = (column: Column, text: string): void => {
    if (column.declared === 'categorical') {
      if (missing.has(text)) column.pushMissing();
      else column.pushText(text, text);
      return;
    }
    if ((text === '' || numericMarkers) && missing.has(text)) {
      column.pushMissing();
      return;
    }
    const number = decimalValue(text);
    if (!Number.isNaN(number)) column.pushNumber(number, text);
    else if (missing.has(text)) column.pushMissing();
    else {
      const infinity = infinityOf(text);
      if (infinity !== undefined) column.pushNumber(infinity, text);
      else column.pushText(text, text);
    }
  };

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      input.stream.unpipe(parser);
      input.stream.destroy();
      parser.destroy();
      reject(error);
    };
    input.stream.on('error', (error) => fail(new InputError(streamErrorMessage(input, error))));
    parser.on('error', (error: CsvError) => fail(new InputError(csvErrorMessage(input, error, header?.length))));
    parser.on('data', (record: string[]) => {
      if (settled) return;
      try {
        if (header === undefined) {
          header = readHeader(input, record, options);
          return;
        }
        for (let j = 0; j < record.length; j++) {
          const column = header[j];
          if (column !== undefined) pushCell(column, record[j] as string);
        }
        table.endRow();
        if (table.rows % ROWS_PER_PROGRESS === 0) options.onRows?.(table.rows);
      } catch (error) {
        fail(error instanceof ValueError ? new InputError(`${input.name} line ${parser.info.lines}: ${error.message}`) : error);
      }
    });
    parser.on('end', () => {
      if (settled) return;
      if (header === undefined) fail(new InputError(`${input.name} holds no CSV header and no rows`));
      else if (table.rows === 0) fail(new InputError(`${input.name} has a header but no rows`));
      else {
        settled = true;
        options.onRows?.(table.rows);
        resolve();
      }
    });
    input.stream.pipe(parser);
  });
}
