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
  readValue,
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
  MODELSIGHT_OUTCOME_NAMES: readonly string[];
  MODELSIGHT_CANARY_GUARD: boolean;
  MODELSIGHT_CANARY_CONFIDENCE: number;
  MODELSIGHT_SHADOW_MAX_QUEUED: number;
  MODELSIGHT_SHADOW_CONCURRENCY: number;
}

/** Most outcome names a tracker declares: each is a label value, and a bit per prediction in the store. */
export const MAX_OUTCOME_NAMES = 32;
/** What an outcome name is made of: a label value that reads well in PromQL, and no separator of a store. */
export const OUTCOME_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
/** What the outcome names must be, for messages. */
export const OUTCOME_NAMES_EXPECTED = `a list of at most ${MAX_OUTCOME_NAMES} distinct names of 1 to 64 characters among A-Z a-z 0-9 _ . : -`;

/** The names when they are valid and distinct, else `undefined`. */
export function validOutcomeNames(names: readonly unknown[]): string[] | undefined {
  if (names.length > MAX_OUTCOME_NAMES) return undefined;
  for (const name of names) if (typeof name !== 'string' || !OUTCOME_NAME.test(name)) return undefined;
  return new Set(names).size === names.length ? (names as string[]) : undefined;
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
  MODELSIGHT_OUTCOME_NAMES: [],
  MODELSIGHT_CANARY_GUARD: true,
  MODELSIGHT_CANARY_CONFIDENCE: 0.99,
  MODELSIGHT_SHADOW_MAX_QUEUED: 100,
  MODELSIGHT_SHADOW_CONCURRENCY: 1,
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
    MODELSIGHT_OUTCOME_NAMES: readValue(
      source,
      'MODELSIGHT_OUTCOME_NAMES',
      d.MODELSIGHT_OUTCOME_NAMES,
      (value) => {
        const names = validOutcomeNames(value.split(',').map((name) => name.trim()));
        return names === undefined ? undefined : Object.freeze(names);
      },
      `${OUTCOME_NAMES_EXPECTED}, separated by commas`,
    ),
    MODELSIGHT_CANARY_GUARD: readBoolean(source, 'MODELSIGHT_CANARY_GUARD', d.MODELSIGHT_CANARY_GUARD),
    MODELSIGHT_CANARY_CONFIDENCE: readValue(
      source,
      'MODELSIGHT_CANARY_CONFIDENCE',
      d.MODELSIGHT_CANARY_CONFIDENCE,
      (value) => {
        const n = Number(value);
        return n > 0 && n < 1 ? n : undefined;
      },
      'a number between 0 and 1',
    ),
    MODELSIGHT_SHADOW_MAX_QUEUED: readInteger(source, 'MODELSIGHT_SHADOW_MAX_QUEUED', d.MODELSIGHT_SHADOW_MAX_QUEUED),
    MODELSIGHT_SHADOW_CONCURRENCY: readInteger(
      source,
      'MODELSIGHT_SHADOW_CONCURRENCY',
      d.MODELSIGHT_SHADOW_CONCURRENCY,
    ),
  };
  last = { vars, values, env };
  return env;
}
