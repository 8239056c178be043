import { type EnvSource, readValue } from './env-reader';

// The two variables that shape the prediction metrics are read by @modelsight/core (its registry) and by
// @modelsight/node (the SDK's own instruments); both read them here, so both accept and reject the same values.

/** Environment variable of the cardinality limit of every metric. */
export const ENV_CARDINALITY_LIMIT = 'MODELSIGHT_METRIC_CARDINALITY_LIMIT';
/** Environment variable of the bucket bounds of `ml_prediction_duration_seconds`. */
export const ENV_DURATION_BUCKETS = 'MODELSIGHT_PREDICTION_DURATION_BUCKETS';

/** Why `buckets` are not usable as bucket bounds, or `undefined` when they are. */
export function bucketsProblem(buckets: unknown): string | undefined {
  if (!Array.isArray(buckets) || buckets.length === 0) return 'a non-empty array of increasing positive finite numbers';
  for (let i = 0; i < buckets.length; i++) {
    const bound = buckets[i] as unknown;
    if (typeof bound !== 'number' || !Number.isFinite(bound) || bound <= 0)
      return `positive finite numbers, but item ${i} is ${typeof bound === 'string' ? JSON.stringify(bound) : String(bound)}`;
    if (i > 0 && bound <= (buckets[i - 1] as number))
      return `increasing, but item ${i} (${bound}) is not above ${buckets[i - 1]}`;
  }
  return undefined;
}

/** Why `limit` is not usable as a cardinality limit, or `undefined` when it is. */
export function limitProblem(limit: unknown): string | undefined {
  // 2: one series of its own and the overflow series.
  return typeof limit === 'number' && Number.isSafeInteger(limit) && limit >= 2
    ? undefined
    : 'a whole number of at least 2';
}

/** `MODELSIGHT_METRIC_CARDINALITY_LIMIT`, or `fallback`. */
export function readCardinalityLimit(source: EnvSource, fallback: number): number {
  return readValue(
    source,
    ENV_CARDINALITY_LIMIT,
    fallback,
    (value) => (/^\d+$/.test(value) && limitProblem(Number(value)) === undefined ? Number(value) : undefined),
    'a whole number of at least 2',
  );
}

/** `MODELSIGHT_PREDICTION_DURATION_BUCKETS` (comma-separated seconds), or `fallback`. */
export function readDurationBuckets(source: EnvSource, fallback: readonly number[]): readonly number[] {
  return readValue(
    source,
    ENV_DURATION_BUCKETS,
    fallback,
    (value) => {
      const bounds = value.split(',').map((item) => (item.trim() === '' ? Number.NaN : Number(item)));
      return bucketsProblem(bounds) === undefined ? bounds : undefined;
    },
    'comma-separated increasing positive numbers of seconds',
  );
}
