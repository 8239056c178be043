import type { OpenedInput } from './open-input';
import { readCsv } from './read-csv';
import { readJson } from './read-json';
import { readJsonLines } from './read-json-lines';
import type { ReadTableOptions } from './read-options';

/** Reads the whole input into `options.table`, in the given format; rejects with an InputError on bad input. */
export function readTable(input: OpenedInput, options: ReadTableOptions): Promise<void> {
  switch (options.format) {
    case 'csv':
      return readCsv(input, options);
    case 'jsonl':
      return readJsonLines(input, options);
    case 'json':
      return readJson(input, options);
  }
}
