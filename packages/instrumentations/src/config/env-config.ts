import { type Env, envSource, processEnv, readString } from '@modelsight/internal';

/** The package's name, the prefix of its warnings. */
export const INSTRUMENTATIONS = '@modelsight/instrumentations';

/** Every variable of the package, resolved. */
export interface InstrumentationsEnv {
  /** `ml.model.version` of the models met, when the options give none; `undefined` when unset. */
  MODELSIGHT_MODEL_VERSION: string | undefined;
}

/** Every environment variable of `@modelsight/instrumentations`, with its default. */
export const INSTRUMENTATIONS_ENV_DEFAULTS: Readonly<InstrumentationsEnv> = Object.freeze({
  MODELSIGHT_MODEL_VERSION: undefined,
});

/** Reads every variable of the package with the shared reader (any non-blank version is valid). */
export function instrumentationsEnv(vars: Env = processEnv()): InstrumentationsEnv {
  const source = envSource(INSTRUMENTATIONS, vars);
  return {
    MODELSIGHT_MODEL_VERSION: readString(
      source,
      'MODELSIGHT_MODEL_VERSION',
      INSTRUMENTATIONS_ENV_DEFAULTS.MODELSIGHT_MODEL_VERSION,
    ),
  };
}
