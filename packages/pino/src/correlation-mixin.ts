import { pino } from 'pino';
import { DEFAULT_LOG_KEYS, MODEL_NAME_KEY, MODEL_VERSION_KEY, traceFieldsFinder } from './trace-fields';
import type { CorrelationMixinOptions, LogMixin, TraceLogKeys } from './types';

/**
 * A pino `mixin` that adds `trace_id`, `span_id`, `trace_flags` of the active span and, inside a
 * prediction wrapped by `traced()`, `ml.model.name` and `ml.model.version`. For loggers you build
 * yourself: `pino({ mixin: correlationMixin() })`. {@link createLogger} uses it.
 *
 * A key already bound on a child logger (`logger.child({ trace_id })`) is not written again: pino
 * serializes bindings apart from the mixin, so writing it would duplicate the key on the line.
 */
export function correlationMixin(options: CorrelationMixinOptions = {}): LogMixin {
  const { logKeys, modelFields = true, mixin: userMixin } = options;
  const keys = resolveLogKeys(logKeys);
  if (typeof modelFields !== 'boolean') {
    throw new TypeError(`correlationMixin: option "modelFields" must be a boolean, got ${JSON.stringify(modelFields)}`);
  }
  if (userMixin !== undefined && typeof userMixin !== 'function') {
    throw new TypeError(`correlationMixin: option "mixin" must be a function, got ${typeof userMixin}`);
  }
  const traceFields = traceFieldsFinder(keys, modelFields);
  const chindingsSym = pino.symbols.chindingsSym;

  const ownKeys = [keys.traceId, keys.spanId, keys.traceFlags, MODEL_NAME_KEY, MODEL_VERSION_KEY];
  // Which of our keys a logger's bindings already hold, for the last bindings seen: loggers keep
  // the same bindings string, so the search runs once per logger, not once per line.
  let lastBound: string | undefined;
  let lastTaken: string[] = [];

  return function modelsightMixin(mergeObject, level, logger) {
    const fields: Record<string, unknown> = traceFields();
    const bound = (logger as unknown as Record<symbol, unknown> | undefined)?.[chindingsSym];
    if (typeof bound === 'string') {
      if (bound !== lastBound) {
        lastBound = bound;
        lastTaken = ownKeys.filter((key) => bound.includes(`"${key}":`));
      }
      for (const key of lastTaken) delete fields[key];
    }
    return userMixin === undefined ? fields : Object.assign(fields, userMixin(mergeObject, level, logger));
  };
}

function resolveLogKeys(logKeys: Partial<TraceLogKeys> | undefined): TraceLogKeys {
  if (logKeys === undefined) return DEFAULT_LOG_KEYS;
  if (logKeys === null || typeof logKeys !== 'object') {
    throw new TypeError(`correlationMixin: option "logKeys" must be an object, got ${JSON.stringify(logKeys)}`);
  }
  const keys = { ...DEFAULT_LOG_KEYS, ...logKeys };
  for (const [name, value] of Object.entries(keys)) {
    if (typeof value !== 'string' || value.length === 0) {
      throw new TypeError(
        `correlationMixin: option "logKeys.${name}" must be a non-empty string, got ${JSON.stringify(value)}`,
      );
    }
  }
  return keys;
}
