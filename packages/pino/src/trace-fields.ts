import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { getActivePrediction } from '@modelsight/core';
import type { TraceLogKeys } from './types';

/** The keys `@opentelemetry/instrumentation-pino` writes; using the same ones keeps lines free of duplicates. */
export const DEFAULT_LOG_KEYS: TraceLogKeys = {
  traceId: 'trace_id',
  spanId: 'span_id',
  traceFlags: 'trace_flags',
};

export const MODEL_NAME_KEY = 'ml.model.name';
export const MODEL_VERSION_KEY = 'ml.model.version';

/**
 * Builds the function that finds the fields of the current line: the active span's IDs and, inside
 * a traced prediction, its model. Keys are fixed here so the per-line work is two context lookups.
 */
export function traceFieldsFinder(logKeys: TraceLogKeys, modelFields: boolean): () => Record<string, string> {
  const { traceId: traceIdKey, spanId: spanIdKey, traceFlags: traceFlagsKey } = logKeys;
  return function traceFields(): Record<string, string> {
    const fields: Record<string, string> = {};
    const active = context.active();
    const span = trace.getSpan(active);
    if (span !== undefined) {
      const spanContext = span.spanContext();
      if (isSpanContextValid(spanContext)) {
        fields[traceIdKey] = spanContext.traceId;
        fields[spanIdKey] = spanContext.spanId;
        fields[traceFlagsKey] = spanContext.traceFlags.toString(16).padStart(2, '0');
      }
    }
    if (modelFields) {
      const prediction = getActivePrediction(active);
      if (prediction !== undefined) {
        fields[MODEL_NAME_KEY] = prediction.model.name;
        fields[MODEL_VERSION_KEY] = prediction.model.version;
      }
    }
    return fields;
  };
}
