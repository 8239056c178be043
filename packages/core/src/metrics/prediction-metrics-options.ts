import { bucketsProblem, type Env, limitProblem } from '@modelsight/internal';
import { coreEnv } from '../config/env-config';
import { showValue } from '../errors/invalid-config';

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

export { DEFAULT_CARDINALITY_LIMIT } from '../config/env-config';

/** Resolved {@link PredictionMetricsOptions}. */
export interface ResolvedPredictionMetricsOptions {
  /** {@link PredictionMetricsOptions.durationBuckets} in effect. */
  readonly durationBuckets: readonly number[];
  /** {@link PredictionMetricsOptions.cardinalityLimit} in effect. */
  readonly cardinalityLimit: number;
}

/**
 * Option > environment variable > default. A bad option throws a `TypeError` naming it (a
 * programming error found at start-up). A bad environment variable is reported through `diag` and
 * the default is used: the process-wide registry is created implicitly (by the first `traced()` or by
 * the preload), and a typo in a deployment must not take the service or its telemetry down.
 */
export function resolvePredictionMetricsOptions(
  options: PredictionMetricsOptions = {},
  env?: Env,
): ResolvedPredictionMetricsOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`modelsight prediction metrics: options must be an object; got ${showValue(options)}`);
  }
  const durationBuckets = options.durationBuckets;
  if (durationBuckets !== undefined) {
    const problem = bucketsProblem(durationBuckets);
    if (problem)
      throw new TypeError(
        `modelsight prediction metrics: option durationBuckets must be ${problem}; got ${showValue(durationBuckets)}`,
      );
  }
  const cardinalityLimit = options.cardinalityLimit;
  if (cardinalityLimit !== undefined) {
    const problem = limitProblem(cardinalityLimit);
    if (problem)
      throw new TypeError(
        `modelsight prediction metrics: option cardinalityLimit must be ${problem}; got ${showValue(cardinalityLimit)}`,
      );
  }
  // The environment is read only for what the options leave open.
  return {
    durationBuckets: Object.freeze([...(durationBuckets ?? coreEnv(env).MODELSIGHT_PREDICTION_DURATION_BUCKETS)]),
    cardinalityLimit: cardinalityLimit ?? coreEnv(env).MODELSIGHT_METRIC_CARDINALITY_LIMIT,
  };
}
