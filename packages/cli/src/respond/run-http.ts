import { OutputTail, type RunOutcome } from './action-outcome';

/** Sends one request; a 2xx answer within `timeoutMs` succeeds. Redirects are not followed. */
export async function runHttp(
  method: string,
  url: URL,
  headers: Readonly<Record<string, string>>,
  body: string | undefined,
  timeoutMs: number,
): Promise<RunOutcome> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { method, headers, body, signal, redirect: 'manual' });
    const tail = new OutputTail();
    tail.add(await response.text());
    return {
      result: response.status >= 200 && response.status < 300 ? 'succeeded' : 'failed',
      detail: { httpStatus: response.status, response: tail.toString() },
    };
  } catch (error) {
    if (signal.aborted) return { result: 'timed_out', detail: {} };
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return { result: 'failed', detail: { error: cause ?? (error as Error).message } };
  }
}
