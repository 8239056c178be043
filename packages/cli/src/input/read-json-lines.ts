import { ValueError } from '../table/column';
import { InputError } from './input-error';
import { streamErrorMessage, type OpenedInput } from './open-input';
import { pushJsonRecord } from './push-json-value';
import { ROWS_PER_PROGRESS, type ReadTableOptions } from './read-options';
import { settleOnce } from './settle-once';

/** Streams JSON Lines (one JSON object a line; blank lines are skipped) into the table. */
export function readJsonLines(input: OpenedInput, options: ReadTableOptions): Promise<void> {
  const { table } = options;
  let line = 0;
  let rest = '';

  const readLine = (text: string): void => {
    line++;
    if (text.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${input.name} line ${line}: not valid JSON (${(error as Error).message})`);
    }
    try {
      pushJsonRecord(record, table);
    } catch (error) {
      throw error instanceof ValueError ? new InputError(`${input.name} line ${line}: ${error.message}`) : error;
    }
    if (table.rows % ROWS_PER_PROGRESS === 0) options.onRows?.(table.rows);
  };

  return new Promise<void>((resolve, reject) => {
    const outcome = settleOnce(resolve, reject, () => input.stream.destroy());
    const fail = outcome.fail;
    input.stream.setEncoding('utf8');
    input.stream.on('error', (error) => fail(new InputError(streamErrorMessage(input, error))));
    input.stream.on('data', (chunk: string) => {
      if (outcome.settled) return;
      try {
        let start = 0;
        let end = chunk.indexOf('\n');
        if (end === -1) {
          rest += chunk;
          return;
        }
        readLine(rest + chunk.slice(0, end));
        rest = '';
        start = end + 1;
        for (end = chunk.indexOf('\n', start); end !== -1; end = chunk.indexOf('\n', start)) {
          readLine(chunk.slice(start, end));
          start = end + 1;
        }
        rest = chunk.slice(start);
      } catch (error) {
        fail(error);
      }
    });
    input.stream.on('end', () => {
      if (outcome.settled) return;
      try {
        if (rest !== '') readLine(rest);
        if (table.rows === 0) throw new InputError(`${input.name} holds no JSON records`);
        options.onColumns?.(table.sources);
        options.onRows?.(table.rows);
        outcome.done();
      } catch (error) {
        fail(error);
      }
    });
  });
}
