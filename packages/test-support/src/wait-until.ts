/** Options of {@link waitUntil}. */
export interface WaitUntilOptions {
  /** Longest wait before failing. @default 5000 */
  readonly timeoutMs?: number;
  /** Pause between two checks. @default 20 */
  readonly intervalMs?: number;
  /** What is awaited, for the error. */
  readonly what?: string;
}

/**
 * Checks `condition` until it returns something other than `false`, `undefined` or `null` (or a promise of
 * it), and resolves to that value: a test waits as long as the condition needs, never a fixed time. A
 * condition that throws is checked again; after `timeoutMs` the error names what was awaited and the last error.
 */
export async function waitUntil<T>(
  condition: () => T | false | undefined | null | Promise<T | false | undefined | null>,
  options: WaitUntilOptions = {},
): Promise<T> {
  const { timeoutMs = 5000, intervalMs = 20, what = String(condition) } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value !== false && value !== undefined && value !== null) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why =
        lastError === undefined
          ? ''
          : `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
      throw new Error(`waited ${timeoutMs} ms for ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
