import type { TracedCallOptions } from '@modelsight/core';
import type { Env } from '@modelsight/internal';
import { instrumentationsEnv } from './config/env-config';
import { findModelMapping, ModelCatalogError, parseModelMappings } from './model-catalog';
import type { ModelInstrumentationConfig, ModelMapping, ModelSource } from './types';

/** `ml.model.version` when neither the option nor `MODELSIGHT_MODEL_VERSION` gives one. */
export const UNKNOWN_VERSION = 'unknown';

function pick<T>(option: T | ((model: ModelSource) => T | undefined) | undefined, model: ModelSource): T | undefined {
  return typeof option === 'function' ? (option as (model: ModelSource) => T | undefined)(model) : option;
}

/**
 * The options of `createTracedCall` for one model met by an instrumentation: name, version and classes
 * from the configuration (option > the first model mapping that matches > `MODELSIGHT_MODEL_VERSION` >
 * default), observers, task and extractors. May throw (a user's function, a bad option): the caller
 * reports it and leaves the model uninstrumented.
 */
export function modelCallOptions(
  config: ModelInstrumentationConfig,
  model: ModelSource,
  mappings: readonly ModelMapping[] = [],
  env?: Env,
): Pick<TracedCallOptions, 'model' | 'classes' | 'task' | 'observers' | 'label' | 'confidence'> {
  const mapped = findModelMapping(mappings, model);
  const name = pick(config.modelName, model) || mapped?.name || model.name;
  const version =
    pick(config.modelVersion, model) ||
    mapped?.version ||
    instrumentationsEnv(env).MODELSIGHT_MODEL_VERSION ||
    UNKNOWN_VERSION;
  return {
    model: { name, version },
    classes: pick(config.classes, model) ?? mapped?.classes,
    task: config.task,
    observers: config.observers ?? [],
    ...(config.label === undefined ? {} : { label: config.label }),
    ...(config.confidence === undefined ? {} : { confidence: config.confidence }),
  };
}

function show(value: unknown): string {
  try {
    if (typeof value === 'string') return JSON.stringify(value);
    if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
    return String(value);
  } catch {
    return typeof value;
  }
}

/**
 * Checks the options of an instrumentation when it is created or given new options: a bad value is a
 * setup error, a `TypeError` naming the option and the value, rather than a model left untraced at its
 * first prediction. Functions of the model are checked when they are called (a bad result is reported once).
 * @param instrumentation the instrumentation's name, for the message
 */
export function checkModelInstrumentationConfig(instrumentation: string, config: ModelInstrumentationConfig): void {
  const fail = (option: string, value: unknown, expected: string): never => {
    throw new TypeError(`${instrumentation}: option ${option} must be ${expected}; got ${show(value)}`);
  };
  if (config === null || typeof config !== 'object') fail('config', config, 'an object');
  for (const option of ['modelName', 'modelVersion'] as const) {
    const value: unknown = config[option];
    if (value !== undefined && typeof value !== 'function' && (typeof value !== 'string' || value.trim() === '')) {
      fail(option, value, 'a non-empty string or a function of the model');
    }
  }
  const classes: unknown = config.classes;
  if (
    classes !== undefined &&
    typeof classes !== 'function' &&
    (!Array.isArray(classes) || classes.length === 0 || classes.some((name) => typeof name !== 'string'))
  ) {
    fail('classes', classes, 'a non-empty array of class names (strings), index 0 first, or a function of the model');
  }
  const task: unknown = config.task;
  if (task !== undefined && task !== 'classification' && task !== 'regression')
    fail('task', task, "'classification' or 'regression'");
  const observers: unknown = config.observers;
  if (
    observers !== undefined &&
    (!Array.isArray(observers) ||
      observers.some((o) => o === null || typeof o !== 'object' || typeof o.onPrediction !== 'function'))
  ) {
    fail('observers', observers, 'an array of objects with an onPrediction(record) method');
  }
  if (config.models !== undefined) {
    try {
      parseModelMappings(config.models);
    } catch (error) {
      if (!(error instanceof ModelCatalogError)) throw error;
      throw new TypeError(`${instrumentation}: option models must be model mappings; ${error.message}`);
    }
  }
  const root: unknown = config.traceRootPredictions;
  if (root !== undefined && typeof root !== 'boolean') fail('traceRootPredictions', root, 'true or false');
  for (const option of ['label', 'confidence'] as const) {
    const value: unknown = config[option];
    if (value !== undefined && typeof value !== 'function') fail(option, value, 'a function');
  }
}

/** The file name of a path or URL without its directory and extension: `/models/iris.onnx` → `iris`. */
export function baseName(location: string): string {
  const file =
    location
      .replace(/[?#].*$/, '')
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? '';
  const dot = file.lastIndexOf('.');
  return dot > 0 ? file.slice(0, dot) : file;
}

/** The names of a model's inputs or outputs (`session.inputNames`, `model.outputNames`), when they are strings. */
export function namesOf(model: object, key: 'inputNames' | 'outputNames'): readonly string[] | undefined {
  try {
    const names: unknown = (model as Record<string, unknown>)[key];
    return Array.isArray(names) && names.every((name) => typeof name === 'string') ? names : undefined;
  } catch {
    return undefined;
  }
}
