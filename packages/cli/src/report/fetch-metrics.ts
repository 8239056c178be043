import { readFileSync } from 'node:fs';
import { InputError } from '../input/input-error';
import { fetchWithTimeout } from './fetch-with-timeout';

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
  const response = await fetchWithTimeout(source, 'text/plain', source);
  if (!response.ok) throw new InputError(`${source} answered ${response.status} ${response.statusText}`);
  return response.text();
}
