import { InputError } from '../input/input-error';

const TIMEOUT_MS = 15_000;

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
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const reason =
      e.name === 'TimeoutError'
        ? `no answer within ${TIMEOUT_MS / 1000} s`
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new InputError(`cannot reach Prometheus at ${baseUrl}: ${reason}`);
  }
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
