import { Writable } from 'node:stream';

/**
 * A real stream pino writes to; the test reads back the raw lines (to count keys, which JSON.parse
 * would merge) and the parsed ones.
 */
export function lineStream() {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line !== '') raw.push(line);
      callback();
    },
  });
  const lines = (): Array<Record<string, unknown>> => raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  const last = (): Record<string, unknown> => {
    const all = lines();
    if (all.length === 0) throw new Error('no line was written');
    return all[all.length - 1]!;
  };
  return { stream, raw, lines, last };
}

/** How many times `"key":` occurs in a raw JSON line. */
export function keyCount(rawLine: string, key: string): number {
  return rawLine.split(`"${key}":`).length - 1;
}
