/**
 * Polls `probe` until it returns something other than undefined, and returns that; throws with
 * `describe()` after `timeoutMs`. A condition awaited, not a fixed sleep.
 */
export async function waitUntil<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  describe: () => string,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
