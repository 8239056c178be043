import { DEFAULT_DRIFT_OPTIONS } from '@modelsight/drift';
import { type Env, readInteger, readNumber, readValue } from '@modelsight/internal';

/** Largest `DriftMonitor` window: the report scores at most this many current rows (the last ones). */
export const MAX_REPORT_WINDOW = 10_000_000;

/** Every variable the command reads: `DriftMonitor`'s, so that a report run in a service's environment decides as the service does. */
export interface CliEnv {
  MODELSIGHT_DRIFT_MIN_SAMPLES: number;
  MODELSIGHT_DRIFT_PSI_THRESHOLD: number;
  /** How much a feature's missing or invalid share may rise above the reference's (a share: 0.02 is 2 points). */
  MODELSIGHT_MAX_MISSING_INCREASE: number;
}

/** Every environment variable of the command, with its default (`DriftMonitor`'s). */
export const CLI_ENV_DEFAULTS: Readonly<CliEnv> = Object.freeze({
  MODELSIGHT_DRIFT_MIN_SAMPLES: DEFAULT_DRIFT_OPTIONS.minSamples,
  MODELSIGHT_DRIFT_PSI_THRESHOLD: DEFAULT_DRIFT_OPTIONS.thresholds.psi ?? 0.2,
  MODELSIGHT_MAX_MISSING_INCREASE: 0.02,
});

/**
 * Reads every variable of the command with the shared policy: a bad value is passed to `warn` (the command
 * writes it to standard error) in the one style, naming the variable, the value and the default used.
 */
export function cliEnv(warn: (message: string) => void, vars: Env = process.env): CliEnv {
  const source = { vars, warn };
  const d = CLI_ENV_DEFAULTS;
  return {
    MODELSIGHT_DRIFT_MIN_SAMPLES: readInteger(source, 'MODELSIGHT_DRIFT_MIN_SAMPLES', d.MODELSIGHT_DRIFT_MIN_SAMPLES, {
      max: MAX_REPORT_WINDOW,
    }),
    MODELSIGHT_DRIFT_PSI_THRESHOLD: readNumber(
      source,
      'MODELSIGHT_DRIFT_PSI_THRESHOLD',
      d.MODELSIGHT_DRIFT_PSI_THRESHOLD,
    ),
    MODELSIGHT_MAX_MISSING_INCREASE: readValue(
      source,
      'MODELSIGHT_MAX_MISSING_INCREASE',
      d.MODELSIGHT_MAX_MISSING_INCREASE,
      (value) => {
        const share = Number(value);
        return Number.isFinite(share) && share >= 0 && share <= 1 ? share : undefined;
      },
      'a share from 0 to 1, such as 0.02 for 2 points',
    ),
  };
}
