import { trace, type Tracer } from '@opentelemetry/api';
import { defaultExtractors } from '../extraction/default-extractors';
import type { ModelStats } from '../metrics/model-stats';
import type { Env } from '@modelsight/internal';
import { coreEnv } from '../config/env-config';
import { showValue } from '../errors/invalid-config';
import { getPredictionMetricsRegistry } from '../metrics/prediction-metrics-registry';
import { ATTR_ML_MODEL_NAME, ATTR_ML_MODEL_VERSION } from '../semconv';
import type { Attributes } from '@opentelemetry/api';
import type { ModelIdentity, ModelTask, PredictionObserver, TracedCallOptions } from '../types';
import { VERSION } from '../version';

/** Everything `traced()` needs, checked and resolved once when a function is wrapped. */
export interface TracedConfig {
  readonly model: ModelIdentity;
  readonly spanName: string;
  /** Every call is a batch. */
  readonly batch: boolean;
  /** Decides per call whether it is a batch, and of how many items (instead of `batch`). */
  readonly batchSize: ((args: readonly unknown[]) => number | undefined) | undefined;
  readonly tracer: Tracer;
  readonly stats: ModelStats;
  /** Attributes every span starts with, built once. */
  readonly baseAttributes: Readonly<Record<string, string>>;
  readonly confidence: (result: unknown) => unknown;
  readonly label: (result: unknown) => unknown;
  readonly customConfidence: boolean;
  readonly customLabel: boolean;
  readonly classes: readonly string[] | undefined;
  readonly attributes: ((...args: unknown[]) => Attributes | undefined) | undefined;
  readonly features: ((...args: unknown[]) => unknown) | undefined;
  readonly captureFeatures: boolean;
  readonly redactFeatures: ReadonlySet<string>;
  readonly maxFeatureLength: number;
  readonly recordExceptionMessages: boolean;
  readonly observers: readonly PredictionObserver[];
  readonly task: ModelTask | undefined;
  /** Whether predictions without label and confidence are warned about. */
  readonly expectLabel: boolean;
  /** Whole-number labels mean classes (`classes` or a `label` extractor was given), unless `task` says otherwise. */
  readonly labelMeansClass: boolean;
}

const DEFAULT_OPERATION = 'predict';
const DEFAULT_MAX_FEATURE_LENGTH = 256;

function fail(option: string, value: unknown, expected: string): never {
  throw new TypeError(`modelsight traced(): option ${option} must be ${expected}; got ${showValue(value)}`);
}

function checkFunction(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') fail(option, value, 'a function');
}

/** Checks the options of `traced()` and resolves them against the environment: option > env var > default. */
export function resolveTracedConfig(fn: unknown, options: TracedCallOptions, env?: Env): TracedConfig {
  if (typeof fn !== 'function') fail('fn (the first argument)', fn, 'the function to wrap');
  if (options === null || typeof options !== 'object')
    fail('options', options, 'an object with at least { model: { name, version } }');
  const model = options.model as unknown;
  if (model === null || typeof model !== 'object') fail('model', model, 'an object { name, version }');
  const { name, version } = model as { name?: unknown; version?: unknown };
  if (typeof name !== 'string' || name.trim() === '') fail('model.name', name, 'a non-empty string');
  if (typeof version !== 'string' || version.trim() === '') fail('model.version', version, 'a non-empty string');
  const operation = options.operation ?? DEFAULT_OPERATION;
  if (typeof operation !== 'string' || operation.trim() === '') fail('operation', operation, 'a non-empty string');
  const batch = options.batch;
  if (batch !== undefined && typeof batch !== 'boolean' && typeof batch !== 'function')
    fail('batch', batch, 'a boolean');
  checkFunction('confidence', options.confidence);
  checkFunction('label', options.label);
  checkFunction('features', options.features);
  checkFunction('attributes', options.attributes);
  if (options.expectLabel !== undefined && typeof options.expectLabel !== 'boolean')
    fail('expectLabel', options.expectLabel, 'a boolean');
  const classes = options.classes;
  if (
    classes !== undefined &&
    (!Array.isArray(classes) || classes.length === 0 || classes.some((name) => typeof name !== 'string'))
  ) {
    fail('classes', classes, 'a non-empty array of class names (strings), index 0 first');
  }
  if (options.captureFeatures !== undefined && typeof options.captureFeatures !== 'boolean') {
    fail('captureFeatures', options.captureFeatures, 'a boolean');
  }
  const redact = options.redactFeatures ?? [];
  if (!Array.isArray(redact) || redact.some((item) => typeof item !== 'string')) {
    fail('redactFeatures', redact, 'an array of feature names');
  }
  const maxFeatureLength = options.maxFeatureLength ?? DEFAULT_MAX_FEATURE_LENGTH;
  if (!Number.isInteger(maxFeatureLength) || maxFeatureLength < 1)
    fail('maxFeatureLength', maxFeatureLength, 'a positive integer');
  if (options.recordExceptionMessages !== undefined && typeof options.recordExceptionMessages !== 'boolean') {
    fail('recordExceptionMessages', options.recordExceptionMessages, 'a boolean');
  }
  if (options.task !== undefined && options.task !== 'classification' && options.task !== 'regression') {
    fail('task', options.task, "'classification' or 'regression'");
  }
  const observers = options.observers ?? [];
  if (!Array.isArray(observers)) fail('observers', observers, 'an array of { onPrediction(record) }');
  observers.forEach((observer, i) => {
    if (observer === null || typeof observer !== 'object' || typeof observer.onPrediction !== 'function') {
      fail(`observers[${i}]`, observer, 'an object with an onPrediction(record) method');
    }
  });
  const tracer = options.tracer ?? trace.getTracer('@modelsight/core', VERSION);
  if (typeof tracer?.startSpan !== 'function') fail('tracer', tracer, 'an OpenTelemetry Tracer');

  const identity: ModelIdentity = Object.freeze({ name, version });
  const registry = options.registry ?? getPredictionMetricsRegistry();
  if (typeof registry?.forModel !== 'function') fail('registry', registry, 'a PredictionMetricsRegistry');
  registry.expectProducer();
  const fromEnv = coreEnv(env);
  const defaults = defaultExtractors(classes === undefined ? undefined : Object.freeze([...classes]), options.task);
  return {
    model: identity,
    spanName: `${operation} ${name}`,
    batch: batch === true,
    batchSize: typeof batch === 'function' ? batch : undefined,
    tracer,
    stats: registry.forModel(identity),
    baseAttributes: Object.freeze({ [ATTR_ML_MODEL_NAME]: name, [ATTR_ML_MODEL_VERSION]: version }),
    confidence: options.confidence ?? defaults.confidence,
    label: options.label ?? defaults.label,
    customConfidence: options.confidence !== undefined,
    customLabel: options.label !== undefined,
    classes,
    attributes: options.attributes as TracedConfig['attributes'],
    features: options.features as TracedConfig['features'],
    captureFeatures: options.captureFeatures ?? fromEnv.MODELSIGHT_CAPTURE_FEATURES,
    redactFeatures: new Set([...redact, ...fromEnv.MODELSIGHT_REDACT_FEATURES]),
    maxFeatureLength,
    recordExceptionMessages: options.recordExceptionMessages ?? fromEnv.MODELSIGHT_RECORD_EXCEPTION_MESSAGES,
    observers: [...observers],
    task: options.task,
    expectLabel: options.expectLabel ?? true,
    labelMeansClass: classes !== undefined || options.label !== undefined,
  };
}
