import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { diag } from '@opentelemetry/api';
import { parseModelMappings } from './model-catalog';
import type { ModelMapping } from './types';

/** Path of a JSON file of model mappings (relative paths from the working directory). */
export const ENV_MODELS_FILE = 'MODELSIGHT_MODELS_FILE';
/** Model mappings as inline JSON; checked before those of the file. */
export const ENV_MODELS = 'MODELSIGHT_MODELS';
/** `true` to trace runtime calls made outside any span (warm-up at load time, jobs with no request). */
export const ENV_TRACE_ROOT_PREDICTIONS = 'MODELSIGHT_TRACE_ROOT_PREDICTIONS';

// The three instrumentations of a process read the same variables: each value is read and checked once,
// so that a bad one is reported in one warning.
let cachedMappings: { key: string; mappings: readonly ModelMapping[] } | undefined;
let reportedRoot: string | undefined;

function fromSource(variable: string, shown: string, text: () => string): readonly ModelMapping[] {
  try {
    return parseModelMappings(JSON.parse(text()));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    diag.warn(`modelsight: ${variable}=${shown} is not used (${reason}); models keep the names the runtimes give them`);
    return [];
  }
}

/** The model mappings of `MODELSIGHT_MODELS` then `MODELSIGHT_MODELS_FILE`; a bad one is warned about once and skipped. */
export function modelMappingsFromEnv(env: NodeJS.ProcessEnv = process.env): readonly ModelMapping[] {
  const inline = env[ENV_MODELS]?.trim() ?? '';
  const file = env[ENV_MODELS_FILE]?.trim() ?? '';
  const key = `${inline}\u0000${file}`;
  if (cachedMappings?.key === key) return cachedMappings.mappings;
  const mappings = [
    ...(inline === '' ? [] : fromSource(ENV_MODELS, JSON.stringify(inline), () => inline)),
    ...(file === '' ? [] : fromSource(ENV_MODELS_FILE, file, () => readFileSync(resolve(file), 'utf8'))),
  ];
  cachedMappings = { key, mappings };
  return mappings;
}

/** `MODELSIGHT_TRACE_ROOT_PREDICTIONS`: `true` or `false`; anything else is warned about once, then `false`. */
export function traceRootPredictionsFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[ENV_TRACE_ROOT_PREDICTIONS]?.trim() ?? '';
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (reportedRoot !== value) {
    reportedRoot = value;
    diag.warn(`modelsight: ${ENV_TRACE_ROOT_PREDICTIONS}=${JSON.stringify(value)} is not true or false; using false`);
  }
  return false;
}
