import { isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * Trace ID of the request's span, which is the trace of every prediction made while handling it: the ID a
 * client quotes to find them. `undefined` when nothing is traced, rather than the all-zero ID an untraced
 * prediction reports.
 */
export function activeTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext !== undefined && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
