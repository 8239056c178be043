import { DRIFT_ENV_DEFAULTS, driftEnv, MAX_WINDOW_SIZE } from '../config/env-config';
import type { FeatureType } from '../profile/profile-types';
import { DRIFT_METHODS, DRIFT_SCORE_NAMES } from './drift-methods';
import type { DriftMethod, DriftMonitorOptions, DriftScoreName } from './monitor-types';

/**
 * Defaults of {@link DriftMonitorOptions} (frozen). An option wins over its environment variable,
 * which wins over these: `MODELSIGHT_DRIFT_WINDOW_SIZE`, `MODELSIGHT_DRIFT_WINDOW_SECONDS` (no
 * default: count-based), `MODELSIGHT_DRIFT_MIN_SAMPLES`, `MODELSIGHT_DRIFT_PSI_THRESHOLD`.
 */
export const DEFAULT_DRIFT_OPTIONS = Object.freeze({
  windowSize: DRIFT_ENV_DEFAULTS.MODELSIGHT_DRIFT_WINDOW_SIZE,
  minSamples: DRIFT_ENV_DEFAULTS.MODELSIGHT_DRIFT_MIN_SAMPLES,
  numericMethods: Object.freeze(['psi', 'ks']) as readonly DriftMethod[],
  categoricalMethods: Object.freeze(['psi', 'chi2']) as readonly DriftMethod[],
  thresholds: Object.freeze({ psi: DRIFT_ENV_DEFAULTS.MODELSIGHT_DRIFT_PSI_THRESHOLD }) as Readonly<
    Partial<Record<DriftScoreName, number>>
  >,
  outputs: Object.freeze({ label: 'prediction.label', confidence: 'prediction.confidence' } as const),
} as const);

/** Resolved configuration. */
export interface MonitorConfig {
  readonly windowSize: number;
  readonly windowMs: number | undefined;
  readonly minSamples: number;
  readonly numericMethods: readonly DriftMethod[];
  readonly categoricalMethods: readonly DriftMethod[];
  readonly thresholds: ReadonlyMap<DriftScoreName, number>;
  readonly labelOutput: string | undefined;
  readonly confidenceOutput: string | undefined;
}

function positive(option: string, value: unknown, integer: boolean, max = Infinity): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value <= 0 ||
    (integer && !Number.isInteger(value)) ||
    value > max
  ) {
    throw new TypeError(
      `DriftMonitor: option ${option} must be a positive ${integer ? 'integer' : 'number'}${max < Infinity ? ` <= ${max}` : ''}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function methods(option: string, value: unknown, type: FeatureType): readonly DriftMethod[] {
  if (!Array.isArray(value))
    throw new TypeError(`DriftMonitor: option ${option} must be an array, got ${JSON.stringify(value)}`);
  for (const method of value) {
    if (!DRIFT_METHODS[type].includes(method)) {
      throw new TypeError(
        `DriftMonitor: option ${option} has ${JSON.stringify(method)}; ${type} features support ${DRIFT_METHODS[type].join(', ')}`,
      );
    }
  }
  return [...new Set(value as DriftMethod[])];
}

function outputName(option: string, value: unknown, fallback: string): string | undefined {
  if (value === undefined) return fallback;
  if (value === null) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(
      `DriftMonitor: option ${option} must be a non-empty string or null, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Option, then environment variable, then default; invalid options throw naming the option. */
export function resolveConfig(options: DriftMonitorOptions): MonitorConfig {
  const env = driftEnv();
  const windowSize = positive(
    'windowSize',
    options.windowSize ?? env.MODELSIGHT_DRIFT_WINDOW_SIZE,
    true,
    MAX_WINDOW_SIZE,
  );
  const windowSeconds = options.windowSeconds ?? env.MODELSIGHT_DRIFT_WINDOW_SECONDS;
  const windowMs = windowSeconds === undefined ? undefined : positive('windowSeconds', windowSeconds, false) * 1000;
  const minSamples = positive('minSamples', options.minSamples ?? env.MODELSIGHT_DRIFT_MIN_SAMPLES, true);
  if (minSamples > windowSize) {
    // The window could never hold enough values: no score would ever be reported.
    throw new TypeError(`DriftMonitor: option minSamples (${minSamples}) must be <= windowSize (${windowSize})`);
  }
  const thresholds = new Map<DriftScoreName, number>(
    Object.entries(DEFAULT_DRIFT_OPTIONS.thresholds) as [DriftScoreName, number][],
  );
  thresholds.set('psi', env.MODELSIGHT_DRIFT_PSI_THRESHOLD);
  if (options.thresholds !== undefined) {
    if (options.thresholds === null || typeof options.thresholds !== 'object') {
      throw new TypeError(
        `DriftMonitor: option thresholds must be an object, got ${JSON.stringify(options.thresholds)}`,
      );
    }
    for (const [name, value] of Object.entries(options.thresholds)) {
      if (!DRIFT_SCORE_NAMES.includes(name as DriftScoreName)) {
        throw new TypeError(
          `DriftMonitor: option thresholds has unknown score ${JSON.stringify(name)}; known: ${DRIFT_SCORE_NAMES.join(', ')}`,
        );
      }
      if (value === null) thresholds.delete(name as DriftScoreName);
      else if (value !== undefined) {
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          throw new TypeError(
            `DriftMonitor: option thresholds.${name} must be a finite number or null, got ${JSON.stringify(value)}`,
          );
        }
        // Scores are at least 0 and p-values at most 1: beyond these bounds a threshold would flag
        // every window (or none) whatever the data.
        const pValue = name === 'ks_p_value' || name === 'chi2';
        if (value <= 0 || (pValue && value > 1)) {
          const expected = pValue ? 'a p-value in (0, 1]' : 'greater than 0';
          throw new RangeError(`DriftMonitor: option thresholds.${name} must be ${expected}, got ${value}`);
        }
        thresholds.set(name as DriftScoreName, value);
      }
    }
  }
  if (options.outputs !== undefined && (options.outputs === null || typeof options.outputs !== 'object')) {
    throw new TypeError(`DriftMonitor: option outputs must be an object, got ${JSON.stringify(options.outputs)}`);
  }
  return {
    windowSize,
    windowMs,
    minSamples,
    numericMethods: methods(
      'numericMethods',
      options.numericMethods ?? DEFAULT_DRIFT_OPTIONS.numericMethods,
      'numeric',
    ),
    categoricalMethods: methods(
      'categoricalMethods',
      options.categoricalMethods ?? DEFAULT_DRIFT_OPTIONS.categoricalMethods,
      'categorical',
    ),
    thresholds,
    labelOutput: outputName('outputs.label', options.outputs?.label, DEFAULT_DRIFT_OPTIONS.outputs.label),
    confidenceOutput: outputName(
      'outputs.confidence',
      options.outputs?.confidence,
      DEFAULT_DRIFT_OPTIONS.outputs.confidence,
    ),
  };
}

/** Whether `score` crosses `threshold`: p-values below it, distances at or above it. */
export function crosses(name: DriftScoreName, score: number, threshold: number): boolean {
  return name === 'ks_p_value' || name === 'chi2' ? score < threshold : score >= threshold;
}
