import Papa from 'papaparse';
import { ValueError, type Column } from '../table/column';
import { decimalValue, infinityOf, isDecimal } from '../table/cell-text';
import { InputError } from './input-error';
import { streamErrorMessage, type OpenedInput } from './open-input';
import { ROWS_PER_PROGRESS, type ReadTableOptions } from './read-options';
import { settleOnce } from './settle-once';

const OTHER_DELIMITERS = [',', ';', '\t', '|'];
const delimiterName = (d: string): string => (d === '\t' ? 'tab' : JSON.stringify(d));
const BOM = '\ufeff';

/** Lines a record spans: one, plus the line breaks inside its quoted fields. */
function linesOf(fields: readonly string[]): number {
  let lines = 1;
  for (const field of fields) {
    let at = field.indexOf('\n');
    while (at !== -1) {
      lines++;
      at = field.indexOf('\n', at + 1);
    }
  }
  return lines;
}

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
    if (seen.has(name))
      throw new InputError(`${input.name} line 1: the header names the column ${JSON.stringify(name)} twice`);
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

/**
 * Streams a CSV file (RFC 4180: quoted fields may hold delimiters, quotes and line breaks) into
 * the table with Papa Parse: the first record is the header, every other one a row with as many
 * fields; blank lines are skipped. Cells are numbers when they read as decimal numbers, missing
 * when they are one of the missing-value markers, text otherwise; a column declared categorical
 * keeps its text as it is (`"007"` stays `"007"`). Any malformed record stops the reading with an
 * error naming its line.
 */
export function readCsv(input: OpenedInput, options: ReadTableOptions): Promise<void> {
  const { table } = options;
  const missing = new Set(options.missingValues);
  // A numeric marker such as -999 must be looked up before the cell is read as a number.
  const numericMarkers = options.missingValues.some(isDecimal);
  let header: (Column | undefined)[] | undefined;
  let nextLine = 1;

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

  /** One parsed record, starting on `line`. */
  const readRecord = (record: string[], line: number, errors: readonly Papa.ParseError[]): void => {
    if (errors.length > 0) {
      throw new InputError(`${input.name} line ${line}: ${errors.map((e) => e.message.toLowerCase()).join('; ')}`);
    }
    if (record.length === 1 && record[0] === '') return; // a blank line
    if (header === undefined) {
      if (record[0]?.startsWith(BOM)) record[0] = record[0].slice(1);
      header = readHeader(input, record, options);
      return;
    }
    if (record.length !== header.length) {
      throw new InputError(`${input.name} line ${line}: ${record.length} fields where the header has ${header.length}`);
    }
    try {
      for (let j = 0; j < record.length; j++) {
        const column = header[j];
        if (column !== undefined) pushCell(column, record[j] as string);
      }
    } catch (error) {
      throw error instanceof ValueError ? new InputError(`${input.name} line ${line}: ${error.message}`) : error;
    }
    table.endRow();
    if (table.rows % ROWS_PER_PROGRESS === 0) options.onRows?.(table.rows);
  };

  return new Promise<void>((resolve, reject) => {
    let parser: Papa.Parser | undefined;
    const outcome = settleOnce(resolve, reject, () => {
      parser?.abort();
      input.stream.destroy();
    });
    const fail = outcome.fail;
    input.stream.on('error', (error) => fail(new InputError(streamErrorMessage(input, error))));
    // Decoded here, so that a character split between two chunks is not broken (Papa Parse would
    // decode each chunk on its own).
    input.stream.setEncoding('utf8');
    Papa.parse<string[]>(input.stream as unknown as Papa.LocalFile, {
      delimiter: options.delimiter,
      quoteChar: '"',
      escapeChar: '"',
      header: false,
      dynamicTyping: false,
      skipEmptyLines: false,
      step: (results, handle) => {
        if (outcome.settled) return;
        parser = handle;
        const line = nextLine;
        nextLine += linesOf(results.data);
        try {
          readRecord(results.data, line, results.errors);
        } catch (error) {
          fail(error);
        }
      },
      complete: () => {
        if (outcome.settled) return;
        if (header === undefined) fail(new InputError(`${input.name} holds no CSV header and no rows`));
        else if (table.rows === 0) fail(new InputError(`${input.name} has a header but no rows`));
        else {
          options.onRows?.(table.rows);
          outcome.done();
        }
      },
      error: (error: Error) => fail(new InputError(`cannot read ${input.name}: ${error.message}`)),
    });
  });
}
