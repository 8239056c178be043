import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Route } from './route';

/**
 * Answers a request no route takes: 405 with an `allow` header when the path exists with another
 * method, else 404. Neither echoes the URL, which is the client's.
 */
export function notFoundHandler(routes: readonly Route[]) {
  return (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const path = request.url.split('?')[0];
    const allowed = routes.filter((route) => route.url === path).flatMap((route) => route.method);
    if (allowed.length > 0) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send({ error: 'method_not_allowed', message: `use ${allowed.join(' or ')}` });
    }
    return reply.code(404).send({ error: 'not_found', message: `no route for ${request.method} on this path` });
  };
}
