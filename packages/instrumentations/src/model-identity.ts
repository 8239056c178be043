import type { TracedCallOptions } from '@modelsight/core';
import type { ModelInstrumentationConfig, ModelSource } from './types';

/** `ml.model.version` when neither the option nor `MODELSIGHT_MODEL_VERSION` gives one. */
export const UNKNOWN_VERSION = 'unknown';

function pick<T>(option: T | ((model: ModelSource) => T | undefined) | undefined, model: ModelSource): T | undefined {
  return typeof option === 'function' ? (option as (model: ModelSource) => T | undefined)(model) : option;
}

/**
 * The options of `createTracedCall` for one model met by an instrumentation: name, version and classes
 * from the configuration (option > `MODELSIGHT_MODEL_VERSION` > default), observers, task and extractors. May throw
 * (a user's function, a bad option): the caller reports it and leaves the model uninstrumented.
 */
export function modelCallOptions(
  config: ModelInstrumentationConfig,
  model: ModelSource,
  env: NodeJS.ProcessEnv = process.env,
): Pick<TracedCallOptions, 'model' | 'classes' | 'task' | 'observers' | 'label' | 'confidence'> {
  const name = pick(config.modelName, model) || model.name;
  const version = pick(config.modelVersion, model) || env['MODELSIGHT_MODEL_VERSION']?.trim() || UNKNOWN_VERSION;
  return {
    model: { name, version },
    classes: pick(config.classes, model),
    task: config.task,
    observers: config.observers ?? [],
    ...(config.label === undefined ? {} : { label: config.label }),
    ...(config.confidence === undefined ? {} : { confidence: config.confidence }),
  };
}

/** The file name of a path or URL without its directory and extension: `/models/iris.onnx` → `iris`. */
export function baseName(location: string): string {
  const file = location.replace(/[?#].*$/, '').replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? '';
  const dot = file.lastIndexOf('.');
  return dot > 0 ? file.slice(0, dot) : file;
}
