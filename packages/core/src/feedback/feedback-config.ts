import { metrics, type Meter } from '@opentelemetry/api';
import type { ModelIdentity } from '../types';
import type { Env } from '@modelsight/internal';
import { coreEnv, OUTCOME_NAMES_EXPECTED, validOutcomeNames } from '../config/env-config';
import { showValue } from '../errors/invalid-config';
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

export const DEFAULT_MAX_CLASSES = 50;
export { MAX_OUTCOME_NAMES } from '../config/env-config';
/** The environment variable of the tracker's `outcomes` option: names separated by commas. */
export const ENV_OUTCOME_NAMES = 'MODELSIGHT_OUTCOME_NAMES';

/** The declared outcome names: option > env var (comma-separated, read in config/env-config.ts) > none. */
function resolveOutcomes(value: unknown, fromEnv: readonly string[]): readonly string[] {
  if (value !== undefined) {
    const names = Array.isArray(value) ? validOutcomeNames(value) : undefined;
    if (names === undefined) fail('outcomes', value, OUTCOME_NAMES_EXPECTED);
    return Object.freeze([...names]);
  }
  return fromEnv;
}

function fail(option: string, value: unknown, expected: string): never {
  throw new TypeError(`modelsight FeedbackTracker: option ${option} must be ${expected}; got ${showValue(value)}`);
}

/** A positive number (an integer when `integer`) given as an option, else the value from the environment. */
function positiveNumber(option: string, value: unknown, fromEnv: number, integer: boolean): number {
  if (value === undefined) return fromEnv;
  const expected = integer ? 'a positive integer' : 'a positive number of milliseconds';
  if (typeof value !== 'number' || !(value > 0) || (integer ? !Number.isSafeInteger(value) : Number.isNaN(value)))
    fail(option, value, expected);
  return value;
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
export function resolveFeedbackConfig(options: FeedbackTrackerOptions = {}, env?: Env): FeedbackConfig {
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
  const fromEnv = coreEnv(env);
  const outcomes = resolveOutcomes(options.outcomes, fromEnv.MODELSIGHT_OUTCOME_NAMES);
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
    maxEntries: positiveNumber('maxEntries', options.maxEntries, fromEnv.MODELSIGHT_FEEDBACK_MAX_ENTRIES, true),
    ttlMs: positiveNumber('ttlMs', options.ttlMs, fromEnv.MODELSIGHT_FEEDBACK_TTL_MS, false),
    windowSize: positiveNumber('windowSize', options.windowSize, fromEnv.MODELSIGHT_FEEDBACK_WINDOW_SIZE, true),
    value: options.value,
    errorBuckets: resolveBuckets(options.errorBuckets),
    meter,
    store,
    outcomes,
  };
}
