import { showValue, warnInvalidEnv } from '../errors/invalid-config';
import { DURATION_BUCKETS_SECONDS } from '../semconv';

/** Options of a {@link PredictionMetricsRegistry}: how the prediction metrics are bucketed and bounded. */
export interface PredictionMetricsOptions {
  /**
   * Upper bounds of the `ml_prediction_duration_seconds` buckets, in seconds, increasing.
   * Env: `MODELSIGHT_PREDICTION_DURATION_BUCKETS` (comma-separated seconds, e.g. `0.0001,0.001,0.01,0.1,1`).
   * @default {@link DURATION_BUCKETS_SECONDS}: 10 µs to 10 s in 1-2.5-5 steps
   */
  readonly durationBuckets?: readonly number[];
  /**
   * Most series each prediction metric exports, the overflow series included: model versions beyond
   * it are counted together in one series labelled `otel_metric_overflow="true"`, as the
   * OpenTelemetry SDK does with its own instruments, and a `diag` warning names the metrics once.
   * Env: `MODELSIGHT_METRIC_CARDINALITY_LIMIT`.
   * @default 2000 (the SDK's default per instrument)
   */
  readonly cardinalityLimit?: number;
}

/** Default of {@link PredictionMetricsOptions.cardinalityLimit}: the SDK's default per instrument. */
export const DEFAULT_CARDINALITY_LIMIT = 2000;
/** Environment variable of {@link PredictionMetricsOptions.cardinalityLimit}. */
export const ENV_CARDINALITY_LIMIT = 'MODELSIGHT_METRIC_CARDINALITY_LIMIT';
/** Environment variable of {@link PredictionMetricsOptions.durationBuckets}. */
export const ENV_DURATION_BUCKETS = 'MODELSIGHT_PREDICTION_DURATION_BUCKETS';

/** Resolved {@link PredictionMetricsOptions}. */
export interface ResolvedPredictionMetricsOptions {
  /** {@link PredictionMetricsOptions.durationBuckets} in effect. */
  readonly durationBuckets: readonly number[];
  /** {@link PredictionMetricsOptions.cardinalityLimit} in effect. */
  readonly cardinalityLimit: number;
}

/** Why `buckets` are not usable as bucket bounds, or `undefined` when they are. */
export function bucketsProblem(buckets: unknown): string | undefined {
  if (!Array.isArray(buckets) || buckets.length === 0) return 'a non-empty array of increasing positive finite numbers';
  for (let i = 0; i < buckets.length; i++) {
    const bound = buckets[i] as unknown;
    if (typeof bound !== 'number' || !Number.isFinite(bound) || bound <= 0)
      return `positive finite numbers, but item ${i} is ${showValue(bound)}`;
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

/**
 * Option > environment variable > default. A bad option throws a `TypeError` naming it (a
 * programming error found at start-up). A bad environment variable is reported through `diag` and
 * the default is used: the process-wide registry is created implicitly (by the first `traced()` or by
 * the preload), and a typo in a deployment must not take the service or its telemetry down.
 */
export function resolvePredictionMetricsOptions(
  options: PredictionMetricsOptions = {},
  env: NodeJS.ProcessEnv = typeof process === 'undefined' ? {} : process.env,
): ResolvedPredictionMetricsOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`modelsight prediction metrics: options must be an object; got ${showValue(options)}`);
  }
  let durationBuckets = options.durationBuckets;
  if (durationBuckets !== undefined) {
    const problem = bucketsProblem(durationBuckets);
    if (problem)
      throw new TypeError(
        `modelsight prediction metrics: option durationBuckets must be ${problem}; got ${showValue(durationBuckets)}`,
      );
  } else {
    const raw = env[ENV_DURATION_BUCKETS]?.trim();
    if (raw) {
      const parsed = raw.split(',').map((item) => (item.trim() === '' ? Number.NaN : Number(item)));
      const problem = bucketsProblem(parsed);
      if (problem) warnInvalidEnv(ENV_DURATION_BUCKETS, raw, problem);
      else durationBuckets = parsed;
    }
  }
  let cardinalityLimit = options.cardinalityLimit;
  if (cardinalityLimit !== undefined) {
    const problem = limitProblem(cardinalityLimit);
    if (problem)
      throw new TypeError(
        `modelsight prediction metrics: option cardinalityLimit must be ${problem}; got ${showValue(cardinalityLimit)}`,
      );
  } else {
    const raw = env[ENV_CARDINALITY_LIMIT]?.trim();
    if (raw) {
      const parsed = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
      const problem = limitProblem(parsed);
      if (problem) warnInvalidEnv(ENV_CARDINALITY_LIMIT, raw, problem);
      else cardinalityLimit = parsed;
    }
  }
  return {
    durationBuckets: Object.freeze([...(durationBuckets ?? DURATION_BUCKETS_SECONDS)]),
    cardinalityLimit: cardinalityLimit ?? DEFAULT_CARDINALITY_LIMIT,
  };
}
