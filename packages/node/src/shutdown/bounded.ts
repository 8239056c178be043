/**
 * Settles when `work` settles or after `timeoutMs`, whichever comes first; never rejects.
 * Returns whether the work finished in time. The timer is referenced on purpose: a process that is
 * flushing on a signal must stay alive until the flush ends or the time is up.
 */
export async function settleWithin(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const done = work.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([done, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
