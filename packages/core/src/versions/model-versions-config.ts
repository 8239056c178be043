import type { Env } from '@modelsight/internal';
import { CORE_ENV_DEFAULTS, type CoreEnv, coreEnv } from '../config/env-config';
import { showValue } from '../errors/invalid-config';
import type { AnyFunction } from '../types';
import type { GuardSettings } from './canary-guard';
import type { CanaryVersion, ModelVersion, ModelVersionsOptions, ShadowVersion } from './model-versions-types';

/** Environment variable: `false` turns the canary guard off. */
export const ENV_CANARY_GUARD = 'MODELSIGHT_CANARY_GUARD';
/** Environment variable of {@link CanaryGuardOptions.confidence}. */
export const ENV_CANARY_CONFIDENCE = 'MODELSIGHT_CANARY_CONFIDENCE';
/** Environment variable of {@link ShadowQueueOptions.maxQueued}. */
export const ENV_SHADOW_MAX_QUEUED = 'MODELSIGHT_SHADOW_MAX_QUEUED';
/** Environment variable of {@link ShadowQueueOptions.concurrency}. */
export const ENV_SHADOW_CONCURRENCY = 'MODELSIGHT_SHADOW_CONCURRENCY';

/** Default of `guard.confidence`: a canary as good as the primary is rolled back with probability at most 1%. */
export const DEFAULT_CANARY_CONFIDENCE = CORE_ENV_DEFAULTS.MODELSIGHT_CANARY_CONFIDENCE;
/** Default of `guard.minCalls`: calls of each version before the error rate or latency can roll a canary back. */
export const DEFAULT_MIN_CALLS = 500;
/** Default of `guard.errorRate.margin`: the canary's error rate may be 10% above the primary's. */
export const DEFAULT_ERROR_MARGIN = 0.1;
/** Default of `guard.latency.margin`: a call is slow above 1.25 × the primary's p95. */
export const DEFAULT_LATENCY_MARGIN = 0.25;
/** Default of `guard.accuracy.margin`: the canary's share of incorrect feedback may be 10% above the primary's. */
export const DEFAULT_ACCURACY_MARGIN = 0.1;
/** Default of `guard.accuracy.minLabels`: labelled predictions of each version before accuracy can roll a canary back. */
export const DEFAULT_MIN_LABELS = 200;
/** Default of `shadowQueue.maxQueued`. */
export const DEFAULT_SHADOW_MAX_QUEUED = CORE_ENV_DEFAULTS.MODELSIGHT_SHADOW_MAX_QUEUED;
/** Default of `shadowQueue.concurrency`. */
export const DEFAULT_SHADOW_CONCURRENCY = CORE_ENV_DEFAULTS.MODELSIGHT_SHADOW_CONCURRENCY;

/** Everything `modelVersions()` resolved from its options and the environment. */
export interface VersionsConfig<F extends AnyFunction> {
  readonly name: string;
  readonly primary: ModelVersion<F>;
  readonly canaries: readonly CanaryVersion<F>[];
  readonly shadows: readonly ShadowVersion<F>[];
  readonly guard: GuardSettings | undefined;
  readonly maxQueued: number;
  readonly concurrency: number;
  readonly random: () => number;
}

function fail(option: string, value: unknown, expected: string): never {
  throw new TypeError(`modelsight modelVersions(): option ${option} must be ${expected}; got ${showValue(value)}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}

function number(option: string, value: unknown, valid: (n: number) => boolean, expected: string, fallback: number) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !valid(value)) fail(option, value, expected);
  return value;
}

const positiveInteger = (n: number) => Number.isSafeInteger(n) && n > 0;
const margin = (n: number) => Number.isFinite(n) && n >= 0;
const confidence = (n: number) => n > 0 && n < 1;

function checkVersion(option: string, value: unknown, seen: Set<string>): void {
  if (!isObject(value)) fail(option, value, 'an object { version, predict }');
  const { version, predict } = value;
  if (typeof version !== 'string' || version.trim() === '') fail(`${option}.version`, version, 'a non-empty string');
  if (seen.has(version)) fail(`${option}.version`, version, 'unique among the versions');
  seen.add(version);
  if (typeof predict !== 'function') fail(`${option}.predict`, predict, 'a function');
}

function resolveGuard(value: unknown, env: CoreEnv): GuardSettings | undefined {
  if (value === false) return undefined;
  if (value !== undefined && !isObject(value)) fail('guard', value, 'an object or false');
  const options = (value ?? {}) as Record<string, unknown>;
  if (value === undefined && !env.MODELSIGHT_CANARY_GUARD) return undefined;
  const conf =
    options.confidence === undefined
      ? env.MODELSIGHT_CANARY_CONFIDENCE
      : number('guard.confidence', options.confidence, confidence, 'a number between 0 and 1', 0);
  const check = (key: string): Record<string, unknown> | undefined => {
    const given = options[key];
    if (given === false) return undefined;
    if (given !== undefined && !isObject(given)) fail(`guard.${key}`, given, 'an object or false');
    return (given ?? {}) as Record<string, unknown>;
  };
  const errorRate = check('errorRate');
  const latency = check('latency');
  const accuracy = check('accuracy');
  const m = 'a finite number ≥ 0';
  return {
    alpha: 1 - conf,
    minCalls: number('guard.minCalls', options.minCalls, positiveInteger, 'a positive integer', DEFAULT_MIN_CALLS),
    errorMargin: errorRate && number('guard.errorRate.margin', errorRate.margin, margin, m, DEFAULT_ERROR_MARGIN),
    latencyMargin: latency && number('guard.latency.margin', latency.margin, margin, m, DEFAULT_LATENCY_MARGIN),
    latencyQuantile: 0.95,
    accuracyMargin: accuracy && number('guard.accuracy.margin', accuracy.margin, margin, m, DEFAULT_ACCURACY_MARGIN),
    minLabels: accuracy
      ? number(
          'guard.accuracy.minLabels',
          accuracy.minLabels,
          positiveInteger,
          'a positive integer',
          DEFAULT_MIN_LABELS,
        )
      : DEFAULT_MIN_LABELS,
  };
}

/** Checks the options (a bad one throws a `TypeError` naming it) and resolves them against the environment. */
export function resolveVersionsConfig<F extends AnyFunction>(
  options: ModelVersionsOptions<F>,
  env?: Env,
): VersionsConfig<F> {
  if (!isObject(options)) fail('options', options, 'an object');
  const { name } = options;
  if (typeof name !== 'string' || name.trim() === '') fail('name', name, 'a non-empty string');
  if ((options as { batch?: unknown }).batch !== undefined)
    fail('batch', (options as { batch?: unknown }).batch, 'absent: versions route single calls');
  const seen = new Set<string>();
  checkVersion('primary', options.primary, seen);
  const canaries = options.canaries ?? [];
  if (!Array.isArray(canaries)) fail('canaries', canaries, 'an array');
  let total = 0;
  canaries.forEach((canary, i) => {
    checkVersion(`canaries[${i}]`, canary, seen);
    const share = canary.share as unknown;
    if (typeof share !== 'number' || !(share > 0 && share < 1))
      fail(`canaries[${i}].share`, share, 'a number in (0, 1)');
    total += share;
  });
  if (total >= 1)
    fail(
      'canaries',
      canaries.map((c) => c.share),
      'shares adding up to less than 1 (the primary takes the rest)',
    );
  const shadows = options.shadows ?? [];
  if (!Array.isArray(shadows)) fail('shadows', shadows, 'an array');
  shadows.forEach((shadow, i) => {
    checkVersion(`shadows[${i}]`, shadow, seen);
    number(`shadows[${i}].sampleRate`, shadow.sampleRate, (n) => n > 0 && n <= 1, 'a number in (0, 1]', 1);
  });
  if (options.stickyKey !== undefined && typeof options.stickyKey !== 'function')
    fail('stickyKey', options.stickyKey, 'a function');
  if (options.random !== undefined && typeof options.random !== 'function')
    fail('random', options.random, 'a function');
  const feedback = options.feedback as unknown;
  if (
    feedback !== undefined &&
    (!isObject(feedback) ||
      typeof feedback.feedbackCounts !== 'function' ||
      typeof feedback.onPrediction !== 'function')
  ) {
    fail('feedback', feedback, 'a FeedbackTracker');
  }
  const queue = options.shadowQueue ?? {};
  if (!isObject(queue)) fail('shadowQueue', queue, 'an object');
  const fromEnv = coreEnv(env);
  const int = 'a positive integer';
  const maxQueued =
    queue.maxQueued === undefined
      ? fromEnv.MODELSIGHT_SHADOW_MAX_QUEUED
      : number('shadowQueue.maxQueued', queue.maxQueued, positiveInteger, int, 0);
  const concurrency =
    queue.concurrency === undefined
      ? fromEnv.MODELSIGHT_SHADOW_CONCURRENCY
      : number('shadowQueue.concurrency', queue.concurrency, positiveInteger, int, 0);
  return {
    name,
    primary: options.primary,
    canaries: [...canaries],
    shadows: [...shadows],
    guard: canaries.length > 0 ? resolveGuard(options.guard, fromEnv) : undefined,
    maxQueued,
    concurrency,
    random: options.random ?? Math.random,
  };
}
