import type { FastifyReply, FastifyRequest } from 'fastify';
import { countRejection, rejectionStatus, type Rejection } from '../rejections';
import { activeTraceId } from './active-trace-id';

/**
 * Answers a request that never reaches the model: counted by reason, logged (rate-limited, and without
 * the client's value), and explained to the client, with a short preview of what it sent.
 */
export function reject(request: FastifyRequest, reply: FastifyReply, rejection: Rejection): FastifyReply {
  // Only requests of a known route are rejected (see `errorHandler`): the label is the route's pattern.
  const route = request.routeOptions.url ?? 'unknown';
  const status = rejectionStatus(rejection.reason);
  countRejection(rejection.reason, route);
  request.server.rejectionLog.write(request.log, {
    route,
    status,
    reason: rejection.reason,
    message: `rejected: ${rejection.message}`,
  });
  const message =
    rejection.preview === undefined ? rejection.message : `${rejection.message}; got ${rejection.preview}`;
  return reply.code(status).send({ error: rejection.reason, message, traceId: activeTraceId() });
}
