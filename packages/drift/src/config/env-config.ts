import { type Env, envSource, processEnv, readInteger, readNumber } from '@modelsight/internal';

/** The package's name, the prefix of its warnings. */
export const DRIFT = '@modelsight/drift';

/** Largest window accepted, to keep memory bounded (8 bytes per numeric value, per feature). */
export const MAX_WINDOW_SIZE = 10_000_000;

/** Every variable of the package, resolved: the value, or the default when unset or bad (with one warning). */
export interface DriftEnv {
  MODELSIGHT_DRIFT_WINDOW_SIZE: number;
  /** No default: windows are count-based. */
  MODELSIGHT_DRIFT_WINDOW_SECONDS: number | undefined;
  MODELSIGHT_DRIFT_MIN_SAMPLES: number;
  MODELSIGHT_DRIFT_PSI_THRESHOLD: number;
}

/** Every environment variable of `@modelsight/drift`, with its default. */
export const DRIFT_ENV_DEFAULTS: Readonly<DriftEnv> = Object.freeze({
  MODELSIGHT_DRIFT_WINDOW_SIZE: 1000,
  MODELSIGHT_DRIFT_WINDOW_SECONDS: undefined,
  MODELSIGHT_DRIFT_MIN_SAMPLES: 100,
  MODELSIGHT_DRIFT_PSI_THRESHOLD: 0.2,
});

/** Reads every variable of the package, with the shared policy: a bad value is warned about once, the default used. */
export function driftEnv(vars: Env = processEnv(), warn?: (message: string) => void): DriftEnv {
  const source = warn === undefined ? envSource(DRIFT, vars) : { vars, warn };
  const d = DRIFT_ENV_DEFAULTS;
  return {
    MODELSIGHT_DRIFT_WINDOW_SIZE: readInteger(source, 'MODELSIGHT_DRIFT_WINDOW_SIZE', d.MODELSIGHT_DRIFT_WINDOW_SIZE, {
      max: MAX_WINDOW_SIZE,
    }),
    MODELSIGHT_DRIFT_WINDOW_SECONDS: readNumber(
      source,
      'MODELSIGHT_DRIFT_WINDOW_SECONDS',
      d.MODELSIGHT_DRIFT_WINDOW_SECONDS,
    ),
    MODELSIGHT_DRIFT_MIN_SAMPLES: readInteger(source, 'MODELSIGHT_DRIFT_MIN_SAMPLES', d.MODELSIGHT_DRIFT_MIN_SAMPLES, {
      max: MAX_WINDOW_SIZE,
    }),
    MODELSIGHT_DRIFT_PSI_THRESHOLD: readNumber(
      source,
      'MODELSIGHT_DRIFT_PSI_THRESHOLD',
      d.MODELSIGHT_DRIFT_PSI_THRESHOLD,
    ),
  };
}
