import type { IncomingMessage } from 'node:http';
import { metrics } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { flushPendingWrites } from '@modelsight/core';
import { settleWithin } from './shutdown/bounded';
import { resolveConfig } from './config/config';
import { installDiagLogger } from './diagnostics/diag-logger';
import { ML_INSTRUMENTATIONS } from './instrumentations/ml-instrumentations';
import { flushOnSignals } from './shutdown/flush-on-signals';
import { PinoDestinations } from './logs/flush-pino';
import { fetchQueryRedaction, queryRedaction } from './instrumentations/http-redaction';
import {
  ignoringScrapes,
  NODE_INSTRUMENTATIONS,
  type InstrumentationContext,
  type InstrumentationTable,
} from './instrumentations/instrumentations';
import { LateSpanProcessor } from './traces/late-span-processor';
import { queryRedactionProcessor } from './traces/query-redaction-processor';
import { RouteFromServerSpanProcessor } from './traces/route-from-server-span';
import { registeredSignals, unregisterLoggerProvider } from './diagnostics/other-sdk';
import { buildMetricReaders, buildSpanProcessor } from './metrics/pipelines';
import { RuntimeMetricProducer, type RuntimeMetricGroup } from './metrics/runtime-metric-producer';
import { buildResource } from './config/resource';
import { buildSampler } from './config/sampler';
import {
  checkInstrumentationNames,
  createInstrumentations,
  selectInstrumentations,
} from './instrumentations/select-instrumentations';
import { shutdownSequence } from './shutdown/shutdown-sequence';
import type { ModelsightNode, ModelsightNodeOptions, ResolvedConfig } from './types';
import { note, warnEnvOnce, warnOnce } from './diagnostics/warn-once';

// One instance per process, whichever copy of this package (CommonJS or ESM build, preload or app)
// gets there first.
const INSTANCE_KEY = Symbol.for('@modelsight/node.instance.v1');
type Holder = { [INSTANCE_KEY]?: ModelsightNode };

// Every instrumentation the preload can run, by the short names of OTEL_NODE_ENABLED_INSTRUMENTATIONS.
const INSTRUMENTATIONS: InstrumentationTable = {
  ...NODE_INSTRUMENTATIONS,
  ...ML_INSTRUMENTATIONS,
};

/**
 * Starts OpenTelemetry for a model service: the NodeSDK with OTLP/HTTP traces behind a batch processor,
 * the Prometheus `/metrics` endpoint with the prediction metrics of `@modelsight/core`, instrumentation of
 * http, Express, Fastify, `fetch` and pino, runtime and process metrics, and a flush on SIGTERM/SIGINT.
 *
 * Options win over the `OTEL_*` / `MODELSIGHT_*` environment variables, which win over the defaults
 * (see {@link ModelsightNodeOptions}). Call it before the app loads `http`, its framework or `pino`, or use
 * the preload `node --require @modelsight/node/register` (CommonJS) / `node --import @modelsight/node/register`
 * (ESM).
 *
 * Calling it again returns the running instance and warns that the new options are ignored. When another
 * OpenTelemetry SDK registered tracing first, tracing and instrumentation are left to it.
 *
 * @throws TypeError naming the option and its value when an option is invalid. Environment variables
 *   never throw: a bad value is warned about and its default used.
 */
export function start(options: ModelsightNodeOptions = {}): ModelsightNode {
  const holder = globalThis as Holder;
  const running = holder[INSTANCE_KEY];
  if (running) {
    warnOnce(
      'started-twice',
      `already started (state: ${running.state}); this second start changes nothing and its options are ignored. ` +
        'Load the preload or call start() once.',
    );
    return running;
  }
  const config = resolveConfig(options);
  const nameWarnings = checkInstrumentationNames(INSTRUMENTATIONS, config, options);
  installDiagLogger(config.logLevel);
  for (const warning of config.warnings) warnEnvOnce(warning);
  for (const warning of nameWarnings) warnOnce(`config:${warning}`, warning);

  const instance = config.disabled ? disabledInstance(config) : startTelemetry(config);
  holder[INSTANCE_KEY] = instance;
  return instance;
}

/**
 * The telemetry running in this process, started by the preload (`--require` / `--import
 * @modelsight/node/register`) or by {@link start}; `undefined` when none was started. An app under the preload
 * that handles SIGTERM itself and ends with `process.exit()` awaits its `shutdown()` first, so that what the
 * service answered is exported and written:
 * ```js
 * process.on('SIGTERM', () => server.close(async () => {
 *   await runningTelemetry()?.shutdown();
 *   process.exit(0);
 * }));
 * ```
 */
export function runningTelemetry(): ModelsightNode | undefined {
  return (globalThis as Holder)[INSTANCE_KEY];
}

function disabledInstance(config: ResolvedConfig): ModelsightNode {
  const notes = ['OTEL_SDK_DISABLED: nothing started'];
  note(notes[0]!);
  return {
    config,
    state: 'disabled',
    notes,
    metricsUrl: () => undefined,
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

function startTelemetry(config: ResolvedConfig): ModelsightNode {
  const notes: string[] = [];
  const taken = registeredSignals();

  const resource = buildResource(config);
  const scrapes = { serves: (_request: IncomingMessage): boolean => false };
  const resourceSettled = (resource.waitForAsyncAttributes?.() ?? Promise.resolve()).catch(() => undefined);
  const runtimeMetrics = new RuntimeMetricProducer();
  const {
    readers,
    metricsServer,
    retries: metricRetries,
    httpDurations,
  } = buildMetricReaders(config, scrapes, resourceSettled, runtimeMetrics);

  // The meter provider is ours even when another SDK registered one: the prediction metrics and the
  // Prometheus endpoint then still work, from a provider that is simply not the global one.
  const meterProvider = readers.length > 0 ? new MeterProvider({ resource, readers }) : undefined;
  if (meterProvider) {
    if (taken.metrics) {
      notes.push(
        'another OpenTelemetry SDK registered a meter provider first; the prediction and runtime metrics are served from a separate one',
      );
    } else {
      metrics.setGlobalMeterProvider(meterProvider);
    }
  }

  const isScrape = (request: IncomingMessage) => scrapes.serves(request);
  // The NodeSDK's default, created here: the HTTP server spans enter each request's context through it.
  const contextManager = new AsyncLocalStorageContextManager();
  const context: InstrumentationContext = {
    httpServer: {
      ignore: isScrape,
      keepQueryParams: config.keepQueryParams,
      attach: (requestContext) => contextManager.attach(requestContext),
      durations: httpDurations,
      // Where routers hand the route to the server span: Koa's router, the framework instrumentations (ours
      // or the app's), and Hono's middleware through RouteFromServerSpanProcessor. One small object a request.
      rpcMetadata: true,
    },
    http: { ignoreIncomingRequestHook: isScrape, ...queryRedaction(config.keepQueryParams) },
    undici: fetchQueryRedaction(config.keepQueryParams),
    frameworkSpans: config.frameworkSpans,
  };
  const enabled = selectInstrumentations(INSTRUMENTATIONS, config);
  if (meterProvider) {
    runtimeMetrics.start(
      enabled.filter((name) => INSTRUMENTATIONS[name]?.kind === 'runtime-metrics') as RuntimeMetricGroup[],
      meterProvider,
    );
  }

  // Before the app loads pino: its destinations are written out before the process ends by a signal.
  const pinoDestinations = new PinoDestinations();

  let sdk: NodeSDK | undefined;
  const spanPipeline = taken.trace ? undefined : buildSpanProcessor(config);
  const spanProcessor = spanPipeline?.processor;
  if (meterProvider && spanPipeline?.health) {
    spanPipeline.health.observeOn(meterProvider.getMeter('@modelsight/node'));
  }
  // Query strings out of every URL or path attribute of every span exported, whatever instrumentation set it.
  const redaction = queryRedactionProcessor(config.keepQueryParams);
  if (taken.trace) {
    notes.push(
      'another OpenTelemetry SDK registered a tracer provider first; tracing and instrumentation are left to it, prediction spans go to it',
    );
  } else {
    const instrumentations = [
      ...createInstrumentations(INSTRUMENTATIONS, enabled, 'traces', context),
      ...config.instrumentations.map((instrumentation) => ignoringScrapes(instrumentation, isScrape)),
    ] as Instrumentation[];
    sdk = withoutLogLevelVariable(
      () =>
        new NodeSDK({
          resource,
          autoDetectResources: false,
          contextManager,
          sampler: buildSampler(config),
          spanLimits: { attributeValueLengthLimit: config.attributeValueLengthLimit },
          // Before the export: the SDK calls onEnding of every processor before onEnd of any.
          spanProcessors: spanProcessor
            ? [new RouteFromServerSpanProcessor(), ...(redaction ? [redaction] : []), spanProcessor]
            : [],
          // Metrics are set up above; logs go through pino to stdout.
          metricReaders: [],
          logRecordProcessors: [],
          instrumentations,
        }),
    );
    sdk.start();
    // Logs stay with pino: no logger provider of ours, so that the app can register its own.
    if (!taken.logs) unregisterLoggerProvider();
    // The NodeSDK hands the instrumentations the global meter provider, which is another SDK's when that
    // SDK registered one first; http.server.request.duration belongs on /metrics with the rest.
    if (meterProvider && taken.metrics) {
      for (const instrumentation of instrumentations) instrumentation.setMeterProvider(meterProvider);
    }
    notes.push(
      `traces: ${config.tracesExporter === 'otlp' ? `OTLP ${config.otlpProtocol} to ${config.otlpTracesEndpoint}` : config.tracesExporter}; ` +
        `sampler ${config.sampler}; metrics: ${config.metricsExporters.join(', ')}; ` +
        `instrumentations: ${describeInstrumentations(enabled, config, meterProvider !== undefined)}`,
    );
  }
  for (const message of notes) {
    if (message.startsWith('another')) warnOnce(message, message);
    else note(message);
  }

  const flushAll = async (): Promise<void> => {
    await Promise.allSettled([spanProcessor?.forceFlush(), meterProvider?.forceFlush(), flushPendingWrites()]);
  };
  const shutdownAll = async (): Promise<void> => {
    await Promise.allSettled([
      sdk?.shutdown() ?? spanProcessor?.shutdown(),
      meterProvider?.shutdown(),
      metricsServer?.close(),
    ]);
    // Nothing reads them any more: stop the event-loop histogram and the GC observer.
    runtimeMetrics.stop();
  };
  const lateSpans = spanProcessor instanceof LateSpanProcessor ? spanProcessor : undefined;
  let shutdownDeadline = Infinity;
  // modelsight's own buffers (predictions queued for a shared feedback store) are written beside the
  // pipelines, then once more for what the service predicted meanwhile: that last pass ends when nothing
  // is left, and only microtasks run from then until finishSync and the signal.
  const writePending = async () => {
    const left = shutdownDeadline - Date.now();
    if (left > 0) await flushPendingWrites({ timeoutMs: left });
  };
  const sequence = shutdownSequence(
    {
      begin: (deadline) => {
        shutdownDeadline = deadline;
        pinoDestinations.beginShutdown();
        lateSpans?.beginShutdown(deadline);
        for (const retries of metricRetries) retries.endBy(deadline);
      },
      stop: async (deadline) => {
        await Promise.allSettled([shutdownAll(), pinoDestinations.writesDone(deadline), writePending()]);
        await writePending();
      },
      finishSync: (deadline) => {
        lateSpans?.exportLateSpansSync(deadline);
        spanPipeline?.health?.flushReport();
        pinoDestinations.flushSync();
      },
    },
    config.shutdownTimeoutMs,
    () => {
      const target =
        config.tracesExporter === 'otlp' ? ` (is the collector at ${config.otlpTracesEndpoint} answering?)` : '';
      warnOnce(
        'shutdown-timeout',
        `flushing took longer than ${config.shutdownTimeoutMs} ms${target}; telemetry not yet exported is dropped`,
      );
    },
  );
  let removeSignalListeners: (() => void) | undefined;
  const instance: ModelsightNode = {
    config,
    state: 'started',
    notes,
    metricsUrl: () => metricsServer?.url(),
    forceFlush: async () => {
      await settleWithin(flushAll(), config.shutdownTimeoutMs);
    },
    shutdown: () => {
      removeSignalListeners?.();
      return sequence.run();
    },
  };
  if (config.handleSignals) {
    removeSignalListeners = flushOnSignals({
      forceFlush: instance.forceFlush,
      shutdown: instance.shutdown,
      finishSync: sequence.finishSync,
      endSync: () => pinoDestinations.endTransportsSync(),
    });
  }
  return instance;
}

/** The instrumentations that run, by short name (built-in) or instrumentation name (from the option). */
function describeInstrumentations(enabled: readonly string[], config: ResolvedConfig, metricsOn: boolean): string {
  const running = enabled.filter((name) => metricsOn || INSTRUMENTATIONS[name]?.kind === 'traces');
  const names = [...running, ...config.instrumentations.map((instrumentation) => instrumentation.instrumentationName)];
  return names.length > 0 ? names.join(', ') : 'none';
}

/**
 * Runs `build` with `OTEL_LOG_LEVEL` hidden: the NodeSDK constructor installs a console logger of its own
 * when the variable is set, replacing the one installed from the same variable by {@link installDiagLogger}
 * (and printing a stack trace about the replacement).
 */
function withoutLogLevelVariable<T>(build: () => T): T {
  const saved = process.env['OTEL_LOG_LEVEL'];
  if (saved === undefined) return build();
  delete process.env['OTEL_LOG_LEVEL'];
  try {
    return build();
  } finally {
    process.env['OTEL_LOG_LEVEL'] = saved;
  }
}
