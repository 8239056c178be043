import {
  type Env,
  envSource,
  processEnv,
  readBoolean,
  readCardinalityLimit,
  readDurationBuckets,
  readInteger,
  readList,
  readNumber,
} from '@modelsight/internal';
import { DURATION_BUCKETS_SECONDS } from '../semconv';

/** The package's name, the prefix of its warnings. */
export const CORE = '@modelsight/core';

/** Default of the cardinality limit: the SDK's default per instrument. */
export const DEFAULT_CARDINALITY_LIMIT = 2000;
/** Defaults of the feedback tracker's store and window. */
export const DEFAULT_MAX_ENTRIES = 100_000;
export const DEFAULT_TTL_MS = 3_600_000;
export const DEFAULT_WINDOW_SIZE = 1000;

/** Every variable of the package, resolved: the value, or the default when unset or bad (with one warning). */
export interface CoreEnv {
  MODELSIGHT_CAPTURE_FEATURES: boolean;
  MODELSIGHT_REDACT_FEATURES: readonly string[];
  MODELSIGHT_RECORD_EXCEPTION_MESSAGES: boolean;
  MODELSIGHT_FEEDBACK_MAX_ENTRIES: number;
  MODELSIGHT_FEEDBACK_TTL_MS: number;
  MODELSIGHT_FEEDBACK_WINDOW_SIZE: number;
  MODELSIGHT_METRIC_CARDINALITY_LIMIT: number;
  MODELSIGHT_PREDICTION_DURATION_BUCKETS: readonly number[];
}

/** Every environment variable of `@modelsight/core`, with its default. */
export const CORE_ENV_DEFAULTS: Readonly<CoreEnv> = Object.freeze({
  MODELSIGHT_CAPTURE_FEATURES: false,
  MODELSIGHT_REDACT_FEATURES: [],
  MODELSIGHT_RECORD_EXCEPTION_MESSAGES: false,
  MODELSIGHT_FEEDBACK_MAX_ENTRIES: DEFAULT_MAX_ENTRIES,
  MODELSIGHT_FEEDBACK_TTL_MS: DEFAULT_TTL_MS,
  MODELSIGHT_FEEDBACK_WINDOW_SIZE: DEFAULT_WINDOW_SIZE,
  MODELSIGHT_METRIC_CARDINALITY_LIMIT: DEFAULT_CARDINALITY_LIMIT,
  MODELSIGHT_PREDICTION_DURATION_BUCKETS: DURATION_BUCKETS_SECONDS,
});

const NAMES = Object.keys(CORE_ENV_DEFAULTS) as (keyof CoreEnv)[];
let last: { vars: Env; values: string; env: CoreEnv } | undefined;

/**
 * Reads every variable of the package, in one place and with one policy: a bad value is written once
 * through `diag.warn` (naming the variable, the value and the default) and the default is used.
 * The result is kept while the variables keep their values, so that wrapping a thousand functions reads
 * the environment once.
 */
export function coreEnv(vars: Env = processEnv()): CoreEnv {
  const values = NAMES.map((name) => vars[name] ?? '\u0000').join('\u0001');
  if (last !== undefined && last.vars === vars && last.values === values) return last.env;
  const source = envSource(CORE, vars);
  const d = CORE_ENV_DEFAULTS;
  const env: CoreEnv = {
    MODELSIGHT_CAPTURE_FEATURES: readBoolean(source, 'MODELSIGHT_CAPTURE_FEATURES', d.MODELSIGHT_CAPTURE_FEATURES),
    MODELSIGHT_REDACT_FEATURES: readList(source, 'MODELSIGHT_REDACT_FEATURES', d.MODELSIGHT_REDACT_FEATURES),
    MODELSIGHT_RECORD_EXCEPTION_MESSAGES: readBoolean(
      source,
      'MODELSIGHT_RECORD_EXCEPTION_MESSAGES',
      d.MODELSIGHT_RECORD_EXCEPTION_MESSAGES,
    ),
    MODELSIGHT_FEEDBACK_MAX_ENTRIES: readInteger(
      source,
      'MODELSIGHT_FEEDBACK_MAX_ENTRIES',
      d.MODELSIGHT_FEEDBACK_MAX_ENTRIES,
    ),
    MODELSIGHT_FEEDBACK_TTL_MS: readNumber(source, 'MODELSIGHT_FEEDBACK_TTL_MS', d.MODELSIGHT_FEEDBACK_TTL_MS),
    MODELSIGHT_FEEDBACK_WINDOW_SIZE: readInteger(
      source,
      'MODELSIGHT_FEEDBACK_WINDOW_SIZE',
      d.MODELSIGHT_FEEDBACK_WINDOW_SIZE,
    ),
    MODELSIGHT_METRIC_CARDINALITY_LIMIT: readCardinalityLimit(source, d.MODELSIGHT_METRIC_CARDINALITY_LIMIT),
    MODELSIGHT_PREDICTION_DURATION_BUCKETS: readDurationBuckets(source, d.MODELSIGHT_PREDICTION_DURATION_BUCKETS),
  };
  last = { vars, values, env };
  return env;
}
