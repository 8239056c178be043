import { basename } from 'node:path';
import { InputError } from './input-error';

/**
 * How a data file is written: CSV (any delimiter), JSON Lines (one object a line), one JSON array of
 * objects, or Parquet (read by the DuckDB engine only).
 */
export type InputFormat = 'csv' | 'jsonl' | 'json' | 'parquet';

/** The formats, as accepted by `--format`. */
export const INPUT_FORMATS: readonly InputFormat[] = ['csv', 'jsonl', 'json', 'parquet'];

const BY_EXTENSION: Record<string, InputFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.tab': 'csv',
  '.txt': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
  '.parquet': 'parquet',
};

/** The file name without a trailing `.gz` (gzip-compressed files are read through gunzip). */
export function withoutGzip(file: string): string {
  return file.toLowerCase().endsWith('.gz') ? file.slice(0, -3) : file;
}

function extensionOf(file: string): string {
  const name = basename(withoutGzip(file)).toLowerCase();
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot);
}

/** The format named by `--format`, or else the one the file name tells (`data.csv`, `rows.jsonl.gz`, ...). */
export function resolveFormat(file: string, given: string | undefined): InputFormat {
  if (given !== undefined) {
    if (!(INPUT_FORMATS as readonly string[]).includes(given)) {
      throw new InputError(`--format must be one of ${INPUT_FORMATS.join(', ')}, got ${JSON.stringify(given)}`);
    }
    return given as InputFormat;
  }
  if (file === '-') throw new InputError('reading standard input needs --format csv, jsonl or json');
  const format = BY_EXTENSION[extensionOf(file)];
  if (format === undefined) {
    throw new InputError(`cannot tell the format of ${file} from its name: give --format csv, jsonl, json or parquet`);
  }
  return format;
}

/** The CSV delimiter: the one given, else a tab for `.tsv` and `.tab` files, else a comma. */
export function resolveDelimiter(file: string, given: string | undefined): string {
  if (given !== undefined) {
    const delimiter = given === '\\t' || given.toLowerCase() === 'tab' ? '\t' : given;
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new InputError(
        `--delimiter must be one character other than a quote or a line break, got ${JSON.stringify(given)}`,
      );
    }
    return delimiter;
  }
  const extension = extensionOf(file);
  return extension === '.tsv' || extension === '.tab' ? '\t' : ',';
}
