/** How an action that ran ended. */
export type RunResult = 'succeeded' | 'failed' | 'timed_out';

/** Every result an action can have in the audit log and on `/metrics`. */
export const ACTION_RESULTS = ['succeeded', 'failed', 'timed_out', 'deduplicated', 'cooled_down', 'rejected'] as const;

/** A result of an action: ran (succeeded, failed, timed out), or did not run and why. */
export type ActionResult = (typeof ACTION_RESULTS)[number];

/** The end of a run, with what the audit line reports of it (exit code, HTTP status, output tail). */
export interface RunOutcome {
  readonly result: RunResult;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** Last characters of a command's output kept for the audit line. */
export const OUTPUT_TAIL_CHARS = 2000;

/** Keeps the last `OUTPUT_TAIL_CHARS` characters of a stream. */
export class OutputTail {
  private text = '';
  add(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  }
  toString(): string {
    return this.text;
  }
}
