import { InputError } from '../input/input-error';
import { fetchWithTimeout } from './fetch-with-timeout';

/** One sample of an instant vector: its labels and its value. */
export interface InstantSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface QueryAnswer {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: { metric?: Record<string, string>; value?: [number, string] }[] };
}

/**
 * Runs an instant PromQL query through the Prometheus HTTP API (`GET /api/v1/query`) at `time`
 * (seconds since the epoch), so that every query of one report reads the same moment.
 *
 * @throws InputError naming the server and Prometheus' own reason when the query cannot be answered.
 */
export async function queryInstant(baseUrl: string, promql: string, time: number): Promise<InstantSample[]> {
  const url = new URL('api/v1/query', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  url.searchParams.set('query', promql);
  url.searchParams.set('time', String(time));
  const response = await fetchWithTimeout(url, 'application/json', `Prometheus at ${baseUrl}`);
  let answer: QueryAnswer;
  try {
    answer = (await response.json()) as QueryAnswer;
  } catch {
    throw new InputError(
      `${baseUrl} answered ${response.status} without JSON: is it a Prometheus server (its base URL, without /api)?`,
    );
  }
  if (answer.status !== 'success' || answer.data?.resultType !== 'vector') {
    throw new InputError(`Prometheus at ${baseUrl} refused ${promql}: ${answer.error ?? `status ${response.status}`}`);
  }
  return (answer.data.result ?? []).map((sample) => ({
    labels: sample.metric ?? {},
    value: Number(sample.value?.[1]),
  }));
}
