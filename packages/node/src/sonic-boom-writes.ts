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

// pino.multistream() marks what it returns with this symbol and lists its destinations in `streams`.
const MULTISTREAM = Symbol.for('pino.metadata');

// How often the end of a write is checked for. An event would be prompter, but a write that fails ends
// with an `error` event only, and listening to it would change who handles the app's stream errors.
const POLL_MS = 1;

/** The sonic-boom destinations of a pino logger's stream: the stream itself, or those of a multistream. */
export function sonicBooms(stream: unknown, found: SonicBoomLike[] = []): SonicBoomLike[] {
  if (stream === null || typeof stream !== 'object') return found;
  const candidate = stream as Partial<SonicBoomLike> & { [MULTISTREAM]?: unknown; streams?: unknown };
  if (typeof candidate.sync === 'boolean' && typeof candidate._writing === 'boolean') {
    found.push(candidate as SonicBoomLike);
  } else if (candidate[MULTISTREAM] === true && Array.isArray(candidate.streams)) {
    for (const entry of candidate.streams as { stream?: unknown }[]) sonicBooms(entry?.stream, found);
  }
  return found;
}

/**
 * Makes every later write of `destinations` synchronous: no new line waits for the thread pool. A write
 * already handed to the pool goes on; when it completes, sonic-boom writes the rest of its buffer and the
 * lines queued behind it synchronously, in order.
 */
export function writeSynchronously(destinations: Iterable<SonicBoomLike>): void {
  for (const destination of destinations) destination.sync = true;
}

/** Whether `destination` has a write in the thread pool (or an open pending) that has not completed. */
export function writingAsynchronously(destination: SonicBoomLike): boolean {
  return destination._writing && !destination.destroyed;
}

/** Resolves once none of `destinations` has an asynchronous write in flight, or at `deadline`. Never rejects. */
export function asyncWritesDone(destinations: readonly SonicBoomLike[], deadline: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!destinations.some(writingAsynchronously) || Date.now() >= deadline) resolve();
      else setTimeout(check, POLL_MS);
    };
    check();
  });
}
