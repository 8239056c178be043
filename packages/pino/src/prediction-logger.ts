import type { PredictionObserver, PredictionRecord } from '@modelsight/core';
import type { LogFn } from 'pino';
import { pinoEnv, pinoReporter } from './config/env-config';
import { MODEL_NAME_KEY, MODEL_VERSION_KEY } from './trace-fields';
import type { PredictionLoggerOptions } from './types';

const DEFAULTS = {
  censor: '[Redacted]',
  level: 'info',
  errorLevel: 'warn',
  message: 'prediction',
} as const;

/**
 * A prediction observer that writes one structured line per prediction (per item in batch mode):
 * model, prediction ID, trace ID, status, label, confidence and duration, plus the inputs when
 * `logInputs` is on (with `redact`ed names censored). Pass it to `traced(fn, { observers: [...] })`.
 *
 * Successful predictions are sampled with `sampleRate`; failed ones are always written.
 * Setup errors are thrown naming the option; a failure while logging is reported once through `diag`.
 *
 * Line fields: `ml.model.name`, `ml.model.version`, `ml.prediction.id`, `ml.prediction.status`,
 * `ml.prediction.label`, `ml.prediction.confidence`, `ml.prediction.duration_ms`, `trace_id`,
 * `span_id`, and `ml.features` when inputs are logged.
 */
export function predictionLogger(options: PredictionLoggerOptions): PredictionObserver {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`predictionLogger: options must be an object with a "logger", got ${JSON.stringify(options)}`);
  }
  const { logger } = options;
  if (logger === null || typeof logger !== 'object' || typeof logger.info !== 'function') {
    throw new TypeError('predictionLogger: option "logger" must be a pino logger');
  }
  const env = pinoEnv();
  const sampleRate = options.sampleRate ?? env.MODELSIGHT_PREDICTION_LOG_SAMPLE_RATE;
  if (typeof sampleRate !== 'number' || !(sampleRate >= 0 && sampleRate <= 1)) {
    throw new RangeError(
      `predictionLogger: option "sampleRate" must be a number in [0, 1], got ${JSON.stringify(sampleRate)}`,
    );
  }
  const logInputs = options.logInputs ?? env.MODELSIGHT_LOG_INPUTS;
  if (typeof logInputs !== 'boolean') {
    throw new TypeError(`predictionLogger: option "logInputs" must be a boolean, got ${JSON.stringify(logInputs)}`);
  }
  const redactOption = options.redact ?? [];
  if (!Array.isArray(redactOption) || redactOption.some((name) => typeof name !== 'string')) {
    throw new TypeError(
      `predictionLogger: option "redact" must be an array of feature names, got ${JSON.stringify(redactOption)}`,
    );
  }
  const redacted = new Set<string>([...redactOption, ...env.MODELSIGHT_REDACT_FEATURES]);
  const censor = checkString('censor', options.censor ?? DEFAULTS.censor);
  const message = checkString('message', options.message ?? DEFAULTS.message);
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') {
    throw new TypeError('predictionLogger: option "random" must be a function returning a number in [0, 1)');
  }
  const level = checkLevel(logger, 'level', options.level ?? DEFAULTS.level);
  const errorLevel = checkLevel(logger, 'errorLevel', options.errorLevel ?? DEFAULTS.errorLevel);
  // Looked up at each call: pino swaps a level's method for a no-op when the logger's level changes.
  const methods = logger as unknown as Record<string, LogFn>;

  const reporter = pinoReporter();

  return {
    onPrediction(record: PredictionRecord): void {
      try {
        const failed = record.status === 'error';
        if (!failed && sampleRate < 1 && !(random() < sampleRate)) return;
        const line: Record<string, unknown> = {
          [MODEL_NAME_KEY]: record.model.name,
          [MODEL_VERSION_KEY]: record.model.version,
          'ml.prediction.id': record.predictionId,
          'ml.prediction.status': record.status,
          'ml.prediction.label': record.label,
          'ml.prediction.confidence': record.confidence,
          'ml.prediction.duration_ms': Math.round(record.durationSeconds * 1e6) / 1e3,
        };
        // The prediction span's own IDs: observers run after it ended, when its parent is active again.
        if (record.traceId !== undefined) line['trace_id'] = record.traceId;
        if (record.spanId !== undefined) line['span_id'] = record.spanId;
        if (logInputs && record.features !== undefined) {
          line['ml.features'] = redact(record.features, redacted, censor);
        }
        methods[failed ? errorLevel : level]!(line, message);
      } catch (error) {
        reporter.report('write', 'could not write a prediction line (reported once)', error);
      }
    },
  };
}

function checkString(option: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new TypeError(`predictionLogger: option "${option}" must be a string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkLevel(logger: PredictionLoggerOptions['logger'], option: string, level: string): string {
  if (typeof level !== 'string' || !(level in logger.levels.values)) {
    throw new TypeError(
      `predictionLogger: option "${option}" names no level of the logger, got ${JSON.stringify(level)}`,
    );
  }
  return level;
}

function redact(
  features: Readonly<Record<string, unknown>>,
  redacted: ReadonlySet<string>,
  censor: string,
): Readonly<Record<string, unknown>> {
  // pino serializes the line during the call, so the features need no copy.
  if (redacted.size === 0) return features;
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(features)) {
    copy[name] = redacted.has(name) ? censor : value;
  }
  return copy;
}
