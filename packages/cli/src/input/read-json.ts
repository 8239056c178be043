import { ValueError } from '../table/column';
import { InputError } from './input-error';
import { streamErrorMessage, type OpenedInput } from './open-input';
import { pushJsonRecord } from './push-json-value';
import { ROWS_PER_PROGRESS, type ReadTableOptions } from './read-options';
import { settleOnce } from './settle-once';

/**
 * Largest JSON document read: it is parsed whole, and V8 strings stop at about 512 MiB. Larger
 * data belongs in JSON Lines or CSV, which are streamed.
 */
const MAX_JSON_BYTES = 256 * 1024 * 1024;

/** Reads a JSON document holding an array of records (objects) into the table. */
export function readJson(input: OpenedInput, options: ReadTableOptions): Promise<void> {
  const { table } = options;
  if (input.size !== undefined && input.size > MAX_JSON_BYTES) {
    return Promise.reject(
      new InputError(
        `${input.name} is larger than ${MAX_JSON_BYTES / 1024 / 1024} MiB: one JSON document is read whole; write it as JSON Lines (one record a line) to stream it`,
      ),
    );
  }
  return new Promise<void>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const outcome = settleOnce(resolve, reject, () => input.stream.destroy());
    const fail = outcome.fail;
    input.stream.on('error', (error) => fail(new InputError(streamErrorMessage(input, error))));
    input.stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_JSON_BYTES) {
        fail(
          new InputError(
            `${input.name} is larger than ${MAX_JSON_BYTES / 1024 / 1024} MiB once decompressed: write it as JSON Lines to stream it`,
          ),
        );
      } else chunks.push(chunk);
    });
    input.stream.on('end', () => {
      if (outcome.settled) return;
      try {
        let document: unknown;
        try {
          document = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch (error) {
          throw new InputError(`${input.name}: not valid JSON (${(error as Error).message})`);
        }
        if (!Array.isArray(document)) {
          throw new InputError(
            `${input.name}: expected a JSON array of records, got ${document === null ? 'null' : `a JSON ${typeof document}`}`,
          );
        }
        if (document.length === 0) throw new InputError(`${input.name} holds an empty array: no records`);
        document.forEach((record, i) => {
          try {
            pushJsonRecord(record, table);
          } catch (error) {
            throw error instanceof ValueError
              ? new InputError(`${input.name} record ${i + 1}: ${error.message}`)
              : error;
          }
          if (table.rows % ROWS_PER_PROGRESS === 0) options.onRows?.(table.rows);
        });
        options.onColumns?.(table.sources);
        options.onRows?.(table.rows);
        outcome.done();
      } catch (error) {
        fail(error);
      }
    });
  });
}
