import type { IncomingMessage } from 'node:http';
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import type { UndiciInstrumentationConfig } from '@opentelemetry/instrumentation-undici';
import type { OpenTelemetryInstrumentation } from '../types';
import { dormantInstrumentation } from './dormant-instrumentation';
import { ExpressRouteInstrumentation, FastifyRouteInstrumentation } from './framework-routes';
import { HttpServerInstrumentation, type HttpServerTracingOptions } from './http-server-instrumentation';
import { routeOnly } from './koa-route';

// Each factory loads its package with require() when it is called, not when this file is loaded: the
// bundler turns those calls into modules that are evaluated on first use, so an instrumentation that is
// not enabled costs no start-up time.

/** What the factories get from the running preload. */
export interface InstrumentationContext {
  /** What the HTTP server spans need (they ignore the scrapes of `/metrics` and redact query strings). */
  readonly httpServer: HttpServerTracingOptions;
  /** Configuration of the http instrumentation of outgoing requests (it redacts query strings). */
  readonly http: HttpInstrumentationConfig;
  /**
   * Whether Express, Fastify, Koa and Nest make spans of their own, or only report the route
   * (`frameworkSpans`).
   */
  readonly frameworkSpans: boolean;
  /** Configuration of the `fetch` instrumentation (it redacts query strings in `url.full`). */
  readonly undici: UndiciInstrumentationConfig;
}

/** One instrumentation the preload can run, under its short name in `OTEL_NODE_ENABLED_INSTRUMENTATIONS`. */
export interface InstrumentationEntry {
  /**
   * `traces`: handed to the tracer provider, left out when another SDK registered tracing first.
   * `runtime-metrics`: created disabled, then started on the meter provider of `/metrics`; off with
   * `MODELSIGHT_RUNTIME_METRICS=false`.
   */
  readonly kind: 'traces' | 'runtime-metrics';
  /** `instrumentationName` of what `create` returns: an instance of that name in the `instrumentations` option replaces it. */
  readonly instrumentationName: string;
  /** Builds the instrumentation (or the instrumentations), loading its package. */
  readonly create: (context: InstrumentationContext) => OpenTelemetryInstrumentation | OpenTelemetryInstrumentation[];
}

/** Instrumentations by short name. */
export type InstrumentationTable = Readonly<Record<string, InstrumentationEntry>>;

/** The instrumentations of web services that the preload runs unless told otherwise. */
export const NODE_INSTRUMENTATIONS: InstrumentationTable = {
  // Server spans from Node's diagnostics channels (see HttpServerInstrumentation); outgoing requests through
  // instrumentation-http, which patches http.request and http.get only.
  http: {
    kind: 'traces',
    instrumentationName: '@opentelemetry/instrumentation-http',
    create: ({ http, httpServer }) => {
      const { HttpInstrumentation } =
        require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
      return [
        new HttpInstrumentation({ ...http, disableIncomingRequestInstrumentation: true }),
        new HttpServerInstrumentation(httpServer),
      ];
    },
  },
  // The route of each request; with frameworkSpans, the middleware, router and handler spans too.
  express: {
    kind: 'traces',
    instrumentationName: '@opentelemetry/instrumentation-express',
    create: ({ frameworkSpans }) => {
      if (!frameworkSpans) return new ExpressRouteInstrumentation();
      const { ExpressInstrumentation } =
        require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
      return new ExpressInstrumentation();
    },
  },
  // The route of each request; with frameworkSpans, the Fastify project's own instrumentation
  // (@opentelemetry/instrumentation-fastify is deprecated in its favour) and its request and handler spans.
  // Neither patches anything: both listen on the `fastify.initialization` diagnostics channel and hook every
  // Fastify instance, for CommonJS and ES module apps alike.
  fastify: {
    kind: 'traces',
    instrumentationName: '@fastify/otel',
    create: ({ frameworkSpans }) => {
      if (!frameworkSpans) return new FastifyRouteInstrumentation();
      const { FastifyOtelInstrumentation } = require('@fastify/otel') as typeof import('@fastify/otel');
      return new FastifyOtelInstrumentation({ registerOnInitialization: true });
    },
  },
  // Koa with @koa/router: the route (from the router) on the HTTP server span and its duration series; with
  // frameworkSpans, a span per middleware and per routed handler too.
  koa: {
    kind: 'traces',
    instrumentationName: '@opentelemetry/instrumentation-koa',
    create: ({ frameworkSpans }) => {
      const { KoaInstrumentation } =
        require('@opentelemetry/instrumentation-koa') as typeof import('@opentelemetry/instrumentation-koa');
      const instrumentation = new KoaInstrumentation();
      return frameworkSpans ? instrumentation : routeOnly(instrumentation);
    },
  },
  // NestJS: its spans ("Create Nest App" at start-up, then the controller and the handler of each request).
  // The route comes from the platform underneath (the Express or Fastify entry), as this instrumentation
  // gives none to the server span; it has no option to keep some spans, so without frameworkSpans it is not
  // loaded at all.
  'nestjs-core': {
    kind: 'traces',
    instrumentationName: '@opentelemetry/instrumentation-nestjs-core',
    create: ({ frameworkSpans }) => {
      if (!frameworkSpans) return dormantInstrumentation('@opentelemetry/instrumentation-nestjs-core');
      const { NestInstrumentation } =
        require('@opentelemetry/instrumentation-nestjs-core') as typeof import('@opentelemetry/instrumentation-nestjs-core');
      return new NestInstrumentation();
    },
  },
  // Outgoing fetch(): Node's built-in undici reports its requests on diagnostics channels.
  undici: {
    kind: 'traces',
    instrumentationName: '@opentelemetry/instrumentation-undici',
    create: ({ undici }) => {
      const { UndiciInstrumentation } =
        require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
      return new UndiciInstrumentation(undici);
    },
  },
  pino: {
    kind: 'traces',
    instrumentationName: '@opentelemetry/instrumentation-pino',
    create: () => {
      const { PinoInstrumentation } =
        require('@opentelemetry/instrumentation-pino') as typeof import('@opentelemetry/instrumentation-pino');
      // Logs stay where the app writes them; the instrumentation adds trace_id, span_id, trace_flags.
      return new PinoInstrumentation({ disableLogSending: true });
    },
  },
  'runtime-node': {
    kind: 'runtime-metrics',
    instrumentationName: '@opentelemetry/instrumentation-runtime-node',
    create: () => {
      const { RuntimeNodeInstrumentation } =
        require('@opentelemetry/instrumentation-runtime-node') as typeof import('@opentelemetry/instrumentation-runtime-node');
      return new RuntimeNodeInstrumentation({ enabled: false });
    },
  },
  // CPU and memory of this process, not of the host.
  'host-metrics': {
    kind: 'runtime-metrics',
    instrumentationName: '@opentelemetry/instrumentation-host-metrics',
    create: () => {
      const { HostMetricsInstrumentation } =
        require('@opentelemetry/instrumentation-host-metrics') as typeof import('@opentelemetry/instrumentation-host-metrics');
      return new HostMetricsInstrumentation({ enabled: false, metricGroups: ['process.cpu', 'process.memory'] });
    },
  },
};

/**
 * Keeps the scrapes of `/metrics` out of the traces of an http instrumentation the app passed in place of
 * the built-in one, beside the requests its own configuration ignores. Other instrumentations are returned
 * as they are.
 */
export function ignoringScrapes(
  instrumentation: OpenTelemetryInstrumentation,
  isScrape: (request: IncomingMessage) => boolean,
): OpenTelemetryInstrumentation {
  const configurable = instrumentation as OpenTelemetryInstrumentation & {
    setConfig?: (config: HttpInstrumentationConfig) => void;
  };
  if (
    instrumentation.instrumentationName !== NODE_INSTRUMENTATIONS['http']!.instrumentationName ||
    typeof configurable.setConfig !== 'function'
  ) {
    return instrumentation;
  }
  const config = instrumentation.getConfig() as HttpInstrumentationConfig;
  const ignoredByApp = config.ignoreIncomingRequestHook;
  configurable.setConfig({
    ...config,
    ignoreIncomingRequestHook: (request) => isScrape(request) || (ignoredByApp?.(request) ?? false),
  });
  return instrumentation;
}
