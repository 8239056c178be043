import { settleWithin } from './bounded';

/** What shutting down does, in order. */
export interface ShutdownSteps {
  /**
   * Runs the moment shutdown begins, before anything is awaited: export retries stop, late spans are kept,
   * log destinations write synchronously.
   */
  begin(deadline: number): void;
  /** Flushes and stops every pipeline, waits for log writes in flight; the sequence waits for it until the deadline. */
  stop(deadline: number): Promise<void>;
  /**
   * Writes what is left without returning to the event loop: the spans that ended meanwhile, buffered log
   * lines. Runs after `stop`, and once more right before the process ends by a signal.
   */
  finishSync(deadline: number): void;
}

/** One shutdown of the telemetry, bounded in time. */
export interface ShutdownSequence {
  /** Runs the steps the first time; later calls return the same promise. Never rejects. */
  run(): Promise<void>;
  /** Runs `finishSync` again, for what ended since `run` finished; nothing before `run` started. */
  finishSync(): void;
}

/**
 * Runs `steps` within `timeoutMs` in all: `stop` gets whatever time is left once `begin` ran, and `finishSync`
 * whatever `stop` left (none when `stop` ran out of time: then `onTimeout` is called, after the final writes).
 */
export function shutdownSequence(steps: ShutdownSteps, timeoutMs: number, onTimeout: () => void): ShutdownSequence {
  let running: Promise<void> | undefined;
  let deadline: number | undefined;
  const finishSync = (until: number) => {
    try {
      steps.finishSync(until);
    } catch {
      // Nothing in the final writes may keep the process from ending as it should.
    }
  };
  return {
    run: () =>
      (running ??= (async () => {
        const until = Date.now() + timeoutMs;
        deadline = until;
        steps.begin(until);
        const inTime = await settleWithin(steps.stop(until), timeoutMs);
        finishSync(until);
        if (!inTime) onTimeout();
      })()),
    finishSync: () => {
      if (deadline !== undefined) finishSync(deadline);
    },
  };
}
