/** A promise's outcome, given once: later calls (an error after the end, a second error) are ignored. */
export interface SettleOnce {
  readonly settled: boolean;
  /** Runs `cleanup` (stop reading) and rejects, the first time. */
  fail(error: unknown): void;
  /** Resolves, the first time. */
  done(): void;
}

/** Settles a reader's promise once, stopping the reading when it fails. */
export function settleOnce(resolve: () => void, reject: (error: unknown) => void, cleanup: () => void): SettleOnce {
  let settled = false;
  return {
    get settled() {
      return settled;
    },
    fail(error) {
      if (settled) return;
      settled = true;
      cleanup();
      reject(error);
    },
    done() {
      if (settled) return;
      settled = true;
      resolve();
    },
  };
}
