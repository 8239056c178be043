/**
 * The parts of sonic-boom, the destination of `pino()` and `pino.destination()`, that shutdown uses (the
 * same in sonic-boom 2 to 4, the versions of pino 7 to 10). `sync` is read at every write, so it can be
 * changed at run time. `_writing` is true from the moment a write is handed to libuv's thread pool until
 * its callback has run, and while an asynchronous open is pending.
 */
export interface SonicBoomLike {
  sync: boolean;
  readonly _writing: boolean;
  readonly destroyed: boolean;
}

/** A pino transport (thread-stream): lines go to a worker thread, which writes them with a destination of its own. */
export interface TransportLike {
  /** Hands the lines buffered in this thread to the worker, waiting until it has read them. */
  flushSync(): void;
  /** After `flushSync`: waits, blocking this thread, until the worker has ended its destination (at most 10 s). */
  end(): void;
}

// pino.multistream() marks what it returns with this symbol and lists its destinations in `streams`.
const MULTISTREAM = Symbol.for('pino.metadata');

/** The destinations a pino logger's stream writes to: the stream itself, or those of a multistream (nested too). */
export function leafStreams(stream: unknown, found: object[] = []): object[] {
  if (stream === null || typeof stream !== 'object') return found;
  const multistream = stream as { [MULTISTREAM]?: unknown; streams?: unknown };
  if (multistream[MULTISTREAM] === true && Array.isArray(multistream.streams)) {
    for (const entry of multistream.streams as { stream?: unknown }[]) leafStreams(entry?.stream, found);
  } else {
    found.push(stream);
  }
  return found;
}

/** Whether `stream` is a sonic-boom: its `sync` flag and its write state are where shutdown expects them. */
export function isSonicBoom(stream: object): stream is SonicBoomLike {
  const candidate = stream as Partial<SonicBoomLike>;
  return typeof candidate.sync === 'boolean' && typeof candidate._writing === 'boolean';
}

/** Whether `stream` is a thread-stream: one that buffers for a worker thread and can be ended synchronously. */
export function isTransport(stream: object): stream is TransportLike {
  const candidate = stream as { end?: unknown; flushSync?: unknown; worker?: { postMessage?: unknown } };
  return (
    typeof candidate.end === 'function' &&
    typeof candidate.flushSync === 'function' &&
    typeof candidate.worker?.postMessage === 'function'
  );
}
