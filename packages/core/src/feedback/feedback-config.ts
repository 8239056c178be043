import { metrics, type Meter } from '@opentelemetry/api';
import type { ModelIdentity } from '../types';
import { showValue, warnInvalidEnv } from '../errors/invalid-config';
import { VERSION } from '../version';
import { ERROR_ABSOLUTE_BUCKETS } from './feedback-semconv';
import type { FeedbackStore } from './feedback-store';
import type { FeedbackTrackerOptions, ModelTask } from './types';

/** Everything a {@link FeedbackTracker} needs, checked and resolved once when it is created. */
export interface FeedbackConfig {
  readonly task: ModelTask | undefined;
  readonly labels: readonly string[] | undefined;
  readonly maxClasses: number;
  readonly model: ModelIdentity | undefined;
  readonly maxEntries: number;
  readonly ttlMs: number;
  readonly windowSize: number;
  readonly value: ((output: unknown) => number | undefined) | undefined;
  readonly errorBuckets: readonly number[];
  readonly meter: Meter;
  readonly store: FeedbackStore | undefined;
  /** The declared outcome names, in order: the bit of a name in the store is `1 << index`. */
  readonly outcomes: readonly string[];
}

export const DEFAULT_MAX_ENTRIES = 100_000;
export const DEFAULT_TTL_MS = 3_600_000;
export const DEFAULT_WINDOW_SIZE = 1000;
export const DEFAULT_MAX_CLASSES = 50;

export const ENV_MAX_ENTRIES = 'MODELSIGHT_FEEDBACK_MAX_ENTRIES';
export const ENV_TTL_MS = 'MODELSIGHT_FEEDBACK_TTL_MS';
export const ENV_WINDOW_SIZE = 'MODELSIGHT_FEEDBACK_WINDOW_SIZE';
/** The environment variable of the tracker's `outcomes` option: names separated by commas. */
export const ENV_OUTCOME_NAMES = 'MODELSIGHT_OUTCOME_NAMES';

/** Most outcome names a tracker declares: each is a label value, and a bit per prediction in the store. */
export const MAX_OUTCOME_NAMES = 32;
/** What an outcome name is made of: a label value that reads well in PromQL, and no separator of a store. */
export const OUTCOME_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
const OUTCOME_NAMES_EXPECTED = `a list of at most ${MAX_OUTCOME_NAMES} distinct names of 1 to 64 characters among A-Z a-z 0-9 _ . : -`;

/** The names when they are valid and distinct, else `undefined`. */
function validOutcomeNames(names: readonly unknown[]): string[] | undefined {
  if (names.length > MAX_OUTCOME_NAMES) return undefined;
  for (const name of names) if (typeof name !== 'string' || !OUTCOME_NAME.test(name)) return undefined;
  return new Set(names).size === names.length ? (names as string[]) : undefined;
}

/** The declared outcome names: option > env var (comma-separated) > none. */
function resolveOutcomes(value: unknown, env: NodeJS.ProcessEnv): readonly string[] {
  if (value !== undefined) {
    const names = Array.isArray(value) ? validOutcomeNames(value) : undefined;
    if (names === undefined) fail('outcomes', value, OUTCOME_NAMES_EXPECTED);
    return Object.freeze([...names]);
  }
  const raw = env[ENV_OUTCOME_NAMES]?.trim();
  if (raw === undefined || raw === '') return [];
  const names = validOutcomeNames(raw.split(',').map((name) => name.trim()));
  if (names === undefined) {
    warnInvalidEnv(ENV_OUTCOME_NAMES, env[ENV_OUTCOME_NAMES] ?? '', `${OUTCOME_NAMES_EXPECTED}, separated by commas`);
    return [];
  }
  return Object.freeze(names);
}

function fail(option: string, value: unknown, expected: string): never {
  throw new TypeError(`modelsight FeedbackTracker: option ${option} must be ${expected}; got ${showValue(value)}`);
}

/** A positive integer (or, when `allowInfinity`, Infinity): option > env var > default. */
function positiveNumber(
  option: string,
  value: unknown,
  envName: string,
  env: NodeJS.ProcessEnv,
  fallback: number,
  integer: boolean,
): number {
  const expected = integer ? 'a positive integer' : 'a positive number of milliseconds';
  const valid = (n: number) => n > 0 && (integer ? Number.isSafeInteger(n) : !Number.isNaN(n));
  if (value !== undefined) {
    if (typeof value !== 'number' || !valid(value)) fail(option, value, expected);
    return value;
  }
  const raw = env[envName]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const parsed = Number(raw);
  if (!valid(parsed)) {
    warnInvalidEnv(envName, env[envName] ?? '', expected);
    return fallback;
  }
  return parsed;
}

function resolveLabels(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0)
    fail('labels', value, 'a non-empty array of strings or finite numbers');
  const labels = new Set<string>();
  for (const label of value as unknown[]) {
    if (typeof label === 'string' && label !== '') labels.add(label);
    else if (typeof label === 'number' && Number.isFinite(label)) labels.add(String(label));
    else fail('labels', label, 'made of non-empty strings or finite numbers, but one item');
  }
  return [...labels];
}

function resolveModel(value: unknown): ModelIdentity | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') fail('model', value, 'an object { name, version }');
  const { name, version } = value as { name?: unknown; version?: unknown };
  if (typeof name !== 'string' || name.trim() === '') fail('model.name', name, 'a non-empty string');
  if (typeof version !== 'string' || version.trim() === '') fail('model.version', version, 'a non-empty string');
  return { name, version };
}

function resolveStore(value: unknown): FeedbackStore | undefined {
  if (value === undefined) return undefined;
  const store = value as Partial<Record<keyof FeedbackStore, unknown>> | null;
  if (
    store === null ||
    typeof store !== 'object' ||
    ['add', 'take', 'takeByTraceId'].some((name) => typeof store[name as keyof FeedbackStore] !== 'function')
  ) {
    fail('store', value, 'a FeedbackStore (an object with add, take and takeByTraceId methods)');
  }
  return value as FeedbackStore;
}

function resolveBuckets(value: unknown): readonly number[] {
  if (value === undefined) return ERROR_ABSOLUTE_BUCKETS;
  if (!Array.isArray(value) || value.length === 0)
    fail('errorBuckets', value, 'a non-empty array of increasing finite numbers');
  const buckets = value as unknown[];
  buckets.forEach((bound, i) => {
    if (typeof bound !== 'number' || !Number.isFinite(bound) || (i > 0 && bound <= (buckets[i - 1] as number))) {
      fail('errorBuckets', value, 'a non-empty array of increasing finite numbers');
    }
  });
  return buckets as number[];
}

/** Checks the options of a tracker and resolves them against the environment: option > env var > default. */
export function resolveFeedbackConfig(
  options: FeedbackTrackerOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): FeedbackConfig {
  if (options === null || typeof options !== 'object') fail('options', options, 'an object');
  const task = options.task as unknown;
  if (task !== undefined && task !== 'classification' && task !== 'regression') {
    fail('task', task, "'classification' or 'regression'");
  }
  const labels = resolveLabels(options.labels);
  if (labels !== undefined && task === 'regression') fail('labels', options.labels, "absent when task is 'regression'");
  const maxClasses = options.maxClasses ?? DEFAULT_MAX_CLASSES;
  if (typeof maxClasses !== 'number' || !Number.isSafeInteger(maxClasses) || maxClasses < 1) {
    fail('maxClasses', maxClasses, 'a positive integer');
  }
  if (options.value !== undefined && typeof options.value !== 'function') fail('value', options.value, 'a function');
  const outcomes = resolveOutcomes(options.outcomes, env);
  const store = resolveStore(options.store);
  if (store !== undefined && outcomes.length > 0 && typeof store.takeOutcome !== 'function') {
    fail(
      'store',
      store,
      `a FeedbackStore with a takeOutcome method, since outcomes are declared (${outcomes.join(', ')})`,
    );
  }
  const meter = options.meter ?? metrics.getMeter('@modelsight/core', VERSION);
  if (typeof (meter as Partial<Meter>).createCounter !== 'function') fail('meter', meter, 'an OpenTelemetry Meter');
  return {
    task: (task as ModelTask | undefined) ?? (labels ? 'classification' : undefined),
    labels,
    maxClasses,
    model: resolveModel(options.model),
    maxEntries: positiveNumber('maxEntries', options.maxEntries, ENV_MAX_ENTRIES, env, DEFAULT_MAX_ENTRIES, true),
    ttlMs: positiveNumber('ttlMs', options.ttlMs, ENV_TTL_MS, env, DEFAULT_TTL_MS, false),
    windowSize: positiveNumber('windowSize', options.windowSize, ENV_WINDOW_SIZE, env, DEFAULT_WINDOW_SIZE, true),
    value: options.value,
    errorBuckets: resolveBuckets(options.errorBuckets),
    meter,
    store,
    outcomes,
  };
}
