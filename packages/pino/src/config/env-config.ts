import { type Env, envSource, processEnv, ReportOnce, readBoolean, readList, readRatio } from '@modelsight/internal';

/** The package's name, the prefix of its warnings. */
export const PINO = '@modelsight/pino';

/** Every variable of the package, resolved: the value, or the default when unset or bad (with one warning). */
export interface PinoEnv {
  MODELSIGHT_PREDICTION_LOG_SAMPLE_RATE: number;
  MODELSIGHT_LOG_INPUTS: boolean;
  MODELSIGHT_REDACT_FEATURES: readonly string[];
}

/** Every environment variable of `@modelsight/pino`, with its default. */
export const PINO_ENV_DEFAULTS: Readonly<PinoEnv> = Object.freeze({
  MODELSIGHT_PREDICTION_LOG_SAMPLE_RATE: 1,
  MODELSIGHT_LOG_INPUTS: false,
  MODELSIGHT_REDACT_FEATURES: [],
});

/** Reads every variable of the package, with the shared policy: a bad value is warned about once, the default used. */
export function pinoEnv(vars: Env = processEnv()): PinoEnv {
  const source = envSource(PINO, vars);
  const d = PINO_ENV_DEFAULTS;
  return {
    MODELSIGHT_PREDICTION_LOG_SAMPLE_RATE: readRatio(
      source,
      'MODELSIGHT_PREDICTION_LOG_SAMPLE_RATE',
      d.MODELSIGHT_PREDICTION_LOG_SAMPLE_RATE,
    ),
    MODELSIGHT_LOG_INPUTS: readBoolean(source, 'MODELSIGHT_LOG_INPUTS', d.MODELSIGHT_LOG_INPUTS),
    MODELSIGHT_REDACT_FEATURES: readList(source, 'MODELSIGHT_REDACT_FEATURES', d.MODELSIGHT_REDACT_FEATURES),
  };
}

/** A reporter of the package: `@modelsight/pino: …`, once per cause. */
export function pinoReporter(): ReportOnce {
  return new ReportOnce(PINO);
}
