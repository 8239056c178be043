import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  badValueMessage,
  type Env,
  type EnvSource,
  envSource,
  processEnv,
  readBoolean,
  readString,
} from '@modelsight/internal';
import { parseModelMappings } from '../model-catalog';
import type { ModelMapping } from '../types';

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

/** Path of a JSON file of model mappings (relative paths from the working directory). */
export const ENV_MODELS_FILE = 'MODELSIGHT_MODELS_FILE';
/** Model mappings as inline JSON; checked before those of the file. */
export const ENV_MODELS = 'MODELSIGHT_MODELS';
/** `true` to trace runtime calls made outside any span (warm-up at load time, jobs with no request). */
export const ENV_TRACE_ROOT_PREDICTIONS = 'MODELSIGHT_TRACE_ROOT_PREDICTIONS';

// The three instrumentations of a process read the same variables: the mappings are parsed once per value,
// and a bad value is reported once per process by the shared reader.
let cachedMappings: { key: string; mappings: readonly ModelMapping[] } | undefined;

const EXPECTED = 'a JSON list of model mappings, as the README of @modelsight/instrumentations shows';

/**
 * The mappings one variable gives; a value that gives none is reported in the shared style, with the reason
 * (the file cannot be read, the JSON is malformed, a mapping lacks its match).
 */
function mappingsOf(source: EnvSource, name: string, expected: string, text: (value: string) => string) {
  const raw = source.vars[name]?.trim() ?? '';
  if (raw === '') return [];
  try {
    return parseModelMappings(JSON.parse(text(raw)));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    source.warn(badValueMessage(name, raw, `${expected}: ${reason}`, 'the names the runtimes give'));
    return [];
  }
}

/** The model mappings of `MODELSIGHT_MODELS` then `MODELSIGHT_MODELS_FILE`; a bad one is warned about once and skipped. */
export function modelMappingsFromEnv(env: Env = processEnv()): readonly ModelMapping[] {
  const key = `${env[ENV_MODELS] ?? ''}\u0000${env[ENV_MODELS_FILE] ?? ''}`;
  if (cachedMappings?.key === key) return cachedMappings.mappings;
  const source = envSource(INSTRUMENTATIONS, env);
  const mappings = [
    ...mappingsOf(source, ENV_MODELS, EXPECTED, (value) => value),
    ...mappingsOf(source, ENV_MODELS_FILE, `a readable file holding ${EXPECTED}`, (file) =>
      readFileSync(resolve(file), 'utf8'),
    ),
  ];
  cachedMappings = { key, mappings };
  return mappings;
}

/** `MODELSIGHT_TRACE_ROOT_PREDICTIONS`: `true` or `false`; anything else is warned about once, then `false`. */
export function traceRootPredictionsFromEnv(env: Env = processEnv()): boolean {
  return readBoolean(envSource(INSTRUMENTATIONS, env), ENV_TRACE_ROOT_PREDICTIONS, false);
}
