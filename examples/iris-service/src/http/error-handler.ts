import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { reject } from './reject';
import { requestErrorRejection } from './request-error-rejection';

type Handler = (request: FastifyRequest, reply: FastifyReply) => FastifyReply;

/**
 * The service's Fastify error handler: a request Fastify could not read or validate is rejected (see
 * `reject`); anything else is a fault of the service, logged with its stack and answered 500 without
 * details.
 */
export function errorHandler(notFound: Handler) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    // A bad body sent to a path no route takes: the answer is about the path, and the client's URL
    // never becomes a label or a log line.
    if (request.is404) return notFound(request, reply);
    const rejection = requestErrorRejection(error, request);
    if (rejection !== undefined) return reject(request, reply, rejection);
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  };
}
