import type { IncomingMessage } from 'node:http';
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import type { UndiciInstrumentationConfig } from '@opentelemetry/instrumentation-undici';
import type { OpenTelemetryInstrumentation } from '../types';

// Each factory loads its package with require() when it is called, not when this file is loaded: the
// bundler turns those calls into modules that are evaluated on first use, so an instrumentation that is
// not enabled costs no start-up time.

/** What the factories get from the running preload. */
export interface InstrumentationContext {
  /** Configuration of the http instrumentation (it ignores the scrapes of `/metrics` and redacts query strings). */
  readonly http: HttpInstrumentationConfig;
  /** Configuration of the `fetch` instrumentation (it redacts query strings in `url.full`). */
  readonly undici: UndiciInstrumentationConfig;
}

/** One instrumentation the preload can run, under its short name in `OTEL_NODE_ENABLED_INSTRUMENTATIONS`. */
export interface InstrumentationEntry {
  /**
   * `traces`: handed to the tracer provider, left out when another SDK registered tracing first.
   * `runtime-metrics`: reported by the preload's `RuntimeMetricProducer`, which writes what this
   * instrumentation writes (its names, units, attributes and scope) at a fraction of the cost of its
   * observable instruments; `create` builds the instrumentation itself, against which the producer is
   * tested. Off with `MODELSIGHT_RUNTIME_METRICS=false`.
   */
  readonly kind: 'traces' | 'runtime-metrics';
  /** `instrumentationName` of what `create` returns: an instance of that name in the `instrumentations` option replaces it. */
  readonly instrumentationName: string;
  /** Builds the instrumentation, loading its package. */
  readonly create: (context: InstrumentationContext) => OpenTelemetryInstrumentation;
}

/** Instrumentations by short name. */
export type InstrumentationTable = Readonly<Record<string, InstrumentationEntry>>;

/** The instrumentations of web services that the preload runs unless told otherwise. */
export const NODE_INSTRUMENTATIONS: InstrumentationTable = {
  http: {
    kind: 'traces',
    instrumentationName: '@opentelemetry/instrumentation-http',
    create: ({ http }) => {
      const { HttpInstrumentation } =
        require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
      return new HttpInstrumentation(http);
    },
  },
  express: {
    kind: 'traces',
    instrumentationName: '@opentelemetry/instrumentation-express',
    create: () => {
      const { ExpressInstrumentation } =
        require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
      return new ExpressInstrumentation();
    },
  },
  // The Fastify project's own instrumentation (@opentelemetry/instrumentation-fastify is deprecated in its
  // favour). It patches nothing: it listens on the `fastify.initialization` diagnostics channel and registers
  // its plugin on every Fastify instance, for CommonJS and ES module apps alike.
  fastify: {
    kind: 'traces',
    instrumentationName: '@fastify/otel',
    create: () => {
      const { FastifyOtelInstrumentation } = require('@fastify/otel') as typeof import('@fastify/otel');
      return new FastifyOtelInstrumentation({ registerOnInitialization: true });
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
