import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from './input-error';
import { withoutGzip } from './input-format';

/** A data file opened for streaming: its bytes as they are read, decompressed when it is gzipped. */
export interface OpenedInput {
  /** As named in messages: the path, or `standard input`. */
  readonly name: string;
  /** Decompressed content. */
  readonly stream: Readable;
  /** Size of the file on disk, for progress; undefined for standard input. */
  readonly size: number | undefined;
  /** Bytes of the file read so far (compressed bytes for a `.gz` file). */
  bytesRead(): number;
}

const CHUNK_BYTES = 1 << 20;

function reasonOf(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return error.message;
  }
}

/**
 * Opens `file` (or standard input for `-`) for streaming. Throws an {@link InputError} for a
 * missing, unreadable or empty file before anything is read, so that a command fails before it
 * writes anything.
 */
export function openInput(file: string): OpenedInput {
  let size: number | undefined;
  let raw: Readable;
  let name: string;
  if (file === '-') {
    name = 'standard input';
    raw = process.stdin;
  } else {
    name = file;
    try {
      const stat = statSync(file);
      if (stat.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
      size = stat.size;
    } catch (error) {
      throw new InputError(`cannot read ${file}: ${reasonOf(error as NodeJS.ErrnoException)}`);
    }
    if (size === 0) throw new InputError(`${file} is empty: expected a header line and rows, or JSON records`);
    raw = createReadStream(file, { highWaterMark: CHUNK_BYTES });
    raw.on('error', () => {
      // Reported by the reader that consumes the stream.
    });
  }
  let bytes = 0;
  raw.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  let stream = raw;
  if (withoutGzip(file) !== file) {
    const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
    raw.on('error', (error) => gunzip.destroy(error));
    stream = raw.pipe(gunzip);
  }
  return { name, stream, size, bytesRead: () => bytes };
}

/** The message of a stream error as one line naming the input. */
export function streamErrorMessage(input: Pick<OpenedInput, 'name'>, error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR')
    return `cannot read ${input.name}: not valid gzip data (${e.message})`;
  return `cannot read ${input.name}: ${reasonOf(e)}`;
}
