import { fastify, LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ServiceConfig } from './config';
import { errorHandler } from './http/error-handler';
import { notFoundHandler } from './http/not-found-handler';
import type { Route } from './http/route';
import { RejectionLog } from './rejection-log';

/** The Fastify app of the service: its routes, its logger, and how it answers what it refuses. */
export function buildApp(routes: readonly Route[], config: ServiceConfig, logger: FastifyBaseLogger): FastifyInstance {
  const app = fastify({
    loggerInstance: logger,
    // Predictions have their own log lines and every request its HTTP span and metrics: one more
    // line per request would double the log without saying more.
    logController: new LogController({ disableRequestLogging: true }),
    // A client that sends its request slower than this is cut off rather than holding a socket forever.
    requestTimeout: 30_000,
    ajv: {
      // Fastify's defaults coerce "5.1" into 5.1 and silently drop unknown properties; a feature that
      // is not a JSON number, or a name that is not a feature, is a bad request here.
      customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false },
    },
  });
  // Bodies are JSON only: a text/plain one is refused as such (415) rather than validated as a string.
  app.removeContentTypeParser('text/plain');
  app.decorate('rejectionLog', new RejectionLog(app.log, config.rejectionLogIntervalMs));
  const notFound = notFoundHandler(routes);
  app.setNotFoundHandler(notFound);
  app.setErrorHandler(errorHandler(notFound));
  for (const route of routes) app.route(route);
  return app;
}
