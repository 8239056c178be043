import { DEFAULT_DRIFT_OPTIONS, DRIFT_SCORE_NAMES, type DriftScoreName, type DriftThresholds } from '@modelsight/drift';
import type { Env } from '@modelsight/internal';
import { cliEnv, MAX_REPORT_WINDOW } from '../config/env-config';
import { InputError } from '../input/input-error';

export { MAX_REPORT_WINDOW } from '../config/env-config';

/** Every score name, in the order reports show them: `DriftMonitor`'s own list. */
export const SCORE_NAMES: readonly DriftScoreName[] = DRIFT_SCORE_NAMES;

/** The drift settings of a report: `DriftMonitor`'s defaults, its environment variables, then the command's options. */
export interface DriftSettings {
  readonly minSamples: number;
  /** Every threshold in force (a threshold turned off is absent). */
  readonly thresholds: Partial<Record<DriftScoreName, number>>;
}

/**
 * Resolves the settings as a `DriftMonitor` in a service would (option, then
 * `MODELSIGHT_DRIFT_MIN_SAMPLES` and `MODELSIGHT_DRIFT_PSI_THRESHOLD`, then the defaults), so that
 * a report run in the service's environment decides as the service does. A bad option throws; a bad
 * variable is passed to `warn` and its default used.
 */
export function resolveDriftSettings(
  minSamples: number | undefined,
  thresholds: DriftThresholds,
  warn: (message: string) => void,
  env: Env = process.env,
): DriftSettings {
  const fromEnv = cliEnv(warn, env);
  const resolvedMin = minSamples ?? fromEnv.MODELSIGHT_DRIFT_MIN_SAMPLES;
  if (!Number.isInteger(resolvedMin) || resolvedMin > MAX_REPORT_WINDOW) {
    throw new InputError(
      `the minimum number of samples must be a whole number up to ${MAX_REPORT_WINDOW}, got ${resolvedMin}`,
    );
  }
  const merged: Partial<Record<DriftScoreName, number>> = {
    ...DEFAULT_DRIFT_OPTIONS.thresholds,
    psi: fromEnv.MODELSIGHT_DRIFT_PSI_THRESHOLD,
  };
  for (const [name, value] of Object.entries(thresholds) as [DriftScoreName, number | null | undefined][]) {
    if (value === null) delete merged[name];
    else if (value !== undefined) merged[name] = value;
  }
  return { minSamples: resolvedMin, thresholds: merged };
}
