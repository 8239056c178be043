import type { ServerResponse } from 'node:http';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { logger } from '../logger';
import { countRejection, type Rejection } from '../rejections';
import { sendJson } from './router';

/**
 * Trace ID of the request's span, for answers that have no prediction to take it from; the HTTP span is
 * the prediction span's parent, so a client can quote it either way. `undefined` when nothing is traced.
 */
export function activeTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext !== undefined && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** Answers 400 for a request that never reaches the model: counted by reason, logged, and explained. */
export function reject(response: ServerResponse, route: string, rejection: Rejection): void {
  countRejection(rejection.reason, route);
  logger.warn({ reason: rejection.reason, status: 400, route }, `rejected: ${rejection.message}`);
  sendJson(response, 400, { error: rejection.reason, message: rejection.message, traceId: activeTraceId() });
}
