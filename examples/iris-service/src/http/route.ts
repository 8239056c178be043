import type { RouteOptions } from 'fastify';

/** One endpoint, as Fastify takes it: method, URL, schema, handler, and its `config`. */
export type Route = RouteOptions;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a valid body looks like, appended to the message of a body that has the wrong shape. */
    shapeHelp?: string;
  }
}
