import { InputError } from '../input/input-error';

/** How long a server may take to answer the command. */
const TIMEOUT_MS = 15_000;

/**
 * `fetch` with the command's time limit; a server that cannot be reached or does not answer in time is an
 * InputError naming `what` and the reason (`ECONNREFUSED`, `no answer within 15 s`).
 */
export async function fetchWithTimeout(url: string | URL, accept: string, what: string): Promise<Response> {
  try {
    return await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept } });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const reason =
      e.name === 'TimeoutError'
        ? `no answer within ${TIMEOUT_MS / 1000} s`
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new InputError(`cannot reach ${what}: ${reason}`);
  }
}
