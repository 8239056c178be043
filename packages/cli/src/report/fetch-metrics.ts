import { readFileSync } from 'node:fs';
import { InputError } from '../input/input-error';

const TIMEOUT_MS = 15_000;

/**
 * The text of one scrape of a Prometheus endpoint, or of a file holding one (anything that is not
 * an http(s) URL is read as a file).
 */
export async function fetchMetricsText(source: string): Promise<string> {
  if (!/^https?:\/\//i.test(source)) {
    try {
      return readFileSync(source, 'utf8');
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      throw new InputError(
        `cannot read ${source}: ${e.code === 'ENOENT' ? 'no such file (give an http:// URL or a file)' : e.message}`,
      );
    }
  }
  let response: Response;
  try {
    response = await fetch(source, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'text/plain' } });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const reason =
      e.name === 'TimeoutError'
        ? `no answer within ${TIMEOUT_MS / 1000} s`
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new InputError(`cannot reach ${source}: ${reason}`);
  }
  if (!response.ok) throw new InputError(`${source} answered ${response.status} ${response.statusText}`);
  return response.text();
}
