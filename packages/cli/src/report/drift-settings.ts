import { DEFAULT_DRIFT_OPTIONS, type DriftScoreName, type DriftThresholds } from '@modelsight/drift';
import { InputError } from '../input/input-error';

/** Largest `DriftMonitor` window: the report scores at most this many current rows (the last ones). */
export const MAX_REPORT_WINDOW = 10_000_000;

/** Every score name, in the order reports show them. */
export const SCORE_NAMES: readonly DriftScoreName[] = [
  'psi',
  'ks',
  'ks_p_value',
  'wasserstein',
  'jensen_shannon',
  'chi2',
];

/** The drift settings of a report: `DriftMonitor`'s defaults, its environment variables, then the command's options. */
export interface DriftSettings {
  readonly minSamples: number;
  /** Every threshold in force (a threshold turned off is absent). */
  readonly thresholds: Partial<Record<DriftScoreName, number>>;
}

/**
 * A positive number from the environment. A value that is not one is named in a warning and ignored, as
 * `DriftMonitor` ignores it in the service: the report then decides with the same settings the service does.
 */
function envNumber(
  name: string,
  integer: boolean,
  max: number,
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value)) || value > max) {
    warn(
      `ignoring ${name}=${JSON.stringify(raw)}: expected a positive ${integer ? 'integer' : 'number'}${max < Infinity ? ` up to ${max}` : ''}`,
    );
    return undefined;
  }
  return value;
}

/**
 * Resolves the settings as a `DriftMonitor` in a service would (option, then
 * `MODELSIGHT_DRIFT_MIN_SAMPLES` and `MODELSIGHT_DRIFT_PSI_THRESHOLD`, then the defaults), so that
 * a report run in the service's environment decides as the service does. A bad option throws; a bad
 * variable is passed to `warn` and ignored.
 */
export function resolveDriftSettings(
  minSamples: number | undefined,
  thresholds: DriftThresholds,
  warn: (message: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): DriftSettings {
  const resolvedMin =
    minSamples ??
    envNumber('MODELSIGHT_DRIFT_MIN_SAMPLES', true, MAX_REPORT_WINDOW, env, warn) ??
    DEFAULT_DRIFT_OPTIONS.minSamples;
  if (!Number.isInteger(resolvedMin) || resolvedMin > MAX_REPORT_WINDOW) {
    throw new InputError(
      `the minimum number of samples must be a whole number up to ${MAX_REPORT_WINDOW}, got ${resolvedMin}`,
    );
  }
  const merged: Partial<Record<DriftScoreName, number>> = { ...DEFAULT_DRIFT_OPTIONS.thresholds };
  const envPsi = envNumber('MODELSIGHT_DRIFT_PSI_THRESHOLD', false, Infinity, env, warn);
  if (envPsi !== undefined) merged.psi = envPsi;
  for (const [name, value] of Object.entries(thresholds) as [DriftScoreName, number | null | undefined][]) {
    if (value === null) delete merged[name];
    else if (value !== undefined) merged[name] = value;
  }
  return { minSamples: resolvedMin, thresholds: merged };
}
