import type { SonicBoomLike } from './pino-streams';

// How often the end of a write is checked for. An event would be prompter, but a write that fails ends
// with an `error` event only, and listening to it would change who handles the app's stream errors.
const POLL_MS = 1;

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
