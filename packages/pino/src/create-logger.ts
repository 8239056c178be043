import { pino } from 'pino';
import type { Logger } from 'pino';
import { correlationMixin } from './correlation-mixin';
import type { CreateLoggerOptions, LoggerDestination } from './types';

/**
 * Creates a pino logger whose lines carry `trace_id`, `span_id` and `trace_flags` of the active span,
 * and `ml.model.name` / `ml.model.version` while inside a prediction wrapped by `traced()`.
 *
 * Works with or without the `@modelsight/node` preload. When the preload's pino instrumentation also
 * injects trace fields, it merges its fields and this logger's into one object before pino serializes
 * the line, so each key appears once (same key names by default).
 *
 * @param options every pino option, plus `logKeys` and `modelFields`; a `mixin` given here still runs,
 *   and its fields win over the trace fields.
 * @param destination where lines go. @default stdout
 */
export function createLogger(options: CreateLoggerOptions = {}, destination?: LoggerDestination): Logger {
  const { logKeys, modelFields, mixin, ...pinoOptions } = options;
  const finalOptions = { ...pinoOptions, mixin: correlationMixin({ logKeys, modelFields, mixin }) };
  return destination === undefined ? pino(finalOptions) : pino(finalOptions, destination);
}
