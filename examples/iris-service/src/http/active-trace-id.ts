import { isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * Trace ID of the request's span, for answers that have no prediction to take it from; a prediction's
 * span is in the same trace, so a client can quote it either way. `undefined` when nothing is traced.
 */
export function activeTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext !== undefined && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
