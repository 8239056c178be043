import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { OpenTelemetryInstrumentation } from '../types';
import { setRequestRoute } from './http-route';
import { VERSION } from '../version';

// The route of a request, from Express or Fastify, without the spans of their instrumentations: the
// server span is named after it and `http.server.request.duration` labelled with it. Each costs a
// request a property read or one hook call, where the framework instrumentations cost two spans.

/** An instrumentation that only listens on a diagnostics channel: no spans, no metrics of its own. */
abstract class ChannelListener implements OpenTelemetryInstrumentation {
  readonly instrumentationVersion = VERSION;
  private enabled = false;
  abstract readonly instrumentationName: string;
  protected abstract readonly channel: string;
  protected abstract readonly listener: (message: unknown) => void;

  enable(): void {
    if (this.enabled) return;
    this.enabled = true;
    subscribe(this.channel, this.listener);
  }
  disable(): void {
    if (!this.enabled) return;
    this.enabled = false;
    unsubscribe(this.channel, this.listener);
  }
  setTracerProvider(_tracerProvider: TracerProvider): void {}
  setMeterProvider(_meterProvider: MeterProvider): void {}
  getConfig(): { enabled: boolean } {
    return { enabled: this.enabled };
  }
}

type ExpressRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: unknown };

/**
 * The route Express matched, read from the request when the response has been sent: Express sets
 * `req.route` to the route whose handler runs and `req.baseUrl` to the path its router is mounted on.
 */
export class ExpressRouteInstrumentation extends ChannelListener {
  readonly instrumentationName = '@modelsight/node/express-route';
  protected readonly channel = 'http.server.response.finish';
  protected readonly listener = (message: unknown): void => {
    const request = (message as { request: ExpressRequest }).request;
    const path = request.route?.path;
    if (typeof path !== 'string') return;
    const base = request.baseUrl;
    setRequestRoute(request, typeof base === 'string' ? base + path : path);
  };
}

interface FastifyRouteOptions {
  url?: unknown;
  onRequest?: FastifyHook | FastifyHook[];
}
type FastifyHook = (request: { raw: IncomingMessage }, reply: unknown, done: () => void) => void;
interface FastifyInstance {
  addHook(name: 'onRoute', hook: (routeOptions: FastifyRouteOptions) => void): unknown;
}

/**
 * The route of each Fastify route, set by an `onRequest` hook that each route gets when it is declared:
 * Fastify announces every instance on the `fastify.initialization` channel (CommonJS and ES module apps
 * alike), before any route is declared on it.
 */
export class FastifyRouteInstrumentation extends ChannelListener {
  readonly instrumentationName = '@modelsight/node/fastify-route';
  protected readonly channel = 'fastify.initialization';
  protected readonly listener = (message: unknown): void => {
    const { fastify } = message as { fastify: FastifyInstance };
    fastify.addHook('onRoute', (routeOptions) => {
      const route = routeOptions.url;
      if (typeof route !== 'string') return;
      const hook: FastifyHook = (request, _reply, done) => {
        setRequestRoute(request.raw, route);
        done();
      };
      const existing = routeOptions.onRequest;
      routeOptions.onRequest = existing === undefined ? [hook] : [hook, ...[existing].flat()];
    });
  };
}
