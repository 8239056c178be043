import type { IncomingMessage } from 'node:http';
import { metrics } from '@opentelemetry/api';
import { predictionMetricProducer } from '@modelsight/core';
import { HostMetricsInstrumentation } from '@opentelemetry/instrumentation-host-metrics';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { settleWithin } from './bounded';
import { resolveConfig } from './config';
import { installDiagLogger } from './diag-logger';
import { createMlInstrumentations } from './ml-instrumentations';
import { flushOnSignals } from './flush-on-signals';
import { registeredSignals, unregisterLoggerProvider } from './other-sdk';
import { buildMetricReaders, buildSpanProcessor } from './pipelines';
import { buildResource } from './resource';
import { buildSampler } from './sampler';
import type { ModelsightNode, ModelsightNodeOptions, ResolvedConfig } from './types';
import { note, warnOnce } from './warn-once';

// One instance per process, whichever copy of this package (CommonJS or ESM build, preload or app)
// gets there first.
const INSTANCE_KEY = Symbol.for('@modelsight/node.instance.v1');
type Holder = { [INSTANCE_KEY]?: ModelsightNode };

/**
 * Starts OpenTelemetry for a model service: the NodeSDK with OTLP/HTTP traces behind a batch processor,
 * the Prometheus `/metrics` endpoint with the prediction metrics of `@modelsight/core`, http and pino
 * instrumentation, runtime and process metrics, and a flush on SIGTERM/SIGINT.
 *
 * Options win over the `OTEL_*` / `MODELSIGHT_*` environment variables, which win over the defaults
 * (see {@link ModelsightNodeOptions}). Call it before the app loads `http` or `pino`, or use the preload
 * `node --require @modelsight/node/register` (CommonJS) / `node --import @modelsight/node/register` (ESM).
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
  installDiagLogger(config.logLevel);
  for (const warning of config.warnings) warnOnce(`config:${warning}`, warning);

  const instance = config.disabled ? disabledInstance(config) : startTelemetry(config);
  holder[INSTANCE_KEY] = instance;
  return instance;
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
  const scrapes = { port: (): number | undefined => undefined };
  const resourceSettled = (resource.waitForAsyncAttributes?.() ?? Promise.resolve()).catch(() => undefined);
  const { readers, metricsServer } = buildMetricReaders(config, [predictionMetricProducer()], scrapes, resourceSettled);

  // The meter provider is ours even when another SDK registered one: the prediction metrics and the
  // Prometheus endpoint then still work, from a provider that is simply not the global one.
  const meterProvider = readers.length > 0 ? new MeterProvider({ resource, readers }) : undefined;
  if (meterProvider) {
    if (taken.metrics) {
      notes.push('another OpenTelemetry SDK registered a meter provider first; the prediction and runtime metrics are served from a separate one');
    } else {
      metrics.setGlobalMeterProvider(meterProvider);
    }
  }

  const runtimeInstrumentations = meterProvider && config.runtimeMetrics ? startRuntimeMetrics(meterProvider) : [];

  let sdk: NodeSDK | undefined;
  const spanProcessor = taken.trace ? undefined : buildSpanProcessor(config);
  if (taken.trace) {
    notes.push('another OpenTelemetry SDK registered a tracer provider first; tracing and the http/pino instrumentation are left to it, prediction spans go to it');
  } else {
    const isScrape = (request: IncomingMessage) => {
      const port = scrapes.port();
      return port !== undefined && request.socket?.localPort === port;
    };
    const instrumentations: Instrumentation[] = [
      new HttpInstrumentation({ ignoreIncomingRequestHook: isScrape }),
      // Logs stay where the app writes them; the instrumentation adds trace_id, span_id, trace_flags.
      new PinoInstrumentation({ disableLogSending: true }),
      ...createMlInstrumentations(),
    ];
    sdk = withoutLogLevelVariable(
      () =>
        new NodeSDK({
          resource,
          autoDetectResources: false,
          sampler: buildSampler(config),
          spanProcessors: spanProcessor ? [spanProcessor] : [],
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
        `sampler ${config.sampler}; metrics: ${config.metricsExporters.join(', ')}`,
    );
  }
  for (const message of notes) {
    if (message.startsWith('another')) warnOnce(message, message);
    else note(message);
  }

  const flushAll = async (): Promise<void> => {
    await Promise.allSettled([spanProcessor?.forceFlush(), meterProvider?.forceFlush()]);
  };
  const shutdownAll = async (): Promise<void> => {
    await Promise.allSettled([sdk?.shutdown() ?? spanProcessor?.shutdown(), meterProvider?.shutdown(), metricsServer?.close()]);
    // Nothing reads them any more: stop the event-loop histogram and the GC observer.
    for (const instrumentation of runtimeInstrumentations) instrumentation.disable();
  };
  let shuttingDown: Promise<void> | undefined;
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
      shuttingDown ??= settleWithin(shutdownAll(), config.shutdownTimeoutMs).then((inTime) => {
        if (!inTime) {
          const target = config.tracesExporter === 'otlp' ? ` (is the collector at ${config.otlpTracesEndpoint} answering?)` : '';
          warnOnce('shutdown-timeout', `flushing took longer than ${config.shutdownTimeoutMs} ms${target}; telemetry not yet exported is dropped`);
        }
      });
      return shuttingDown;
    },
  };
  if (config.handleSignals) removeSignalListeners = flushOnSignals(instance);
  return instance;
}

/**
 * Event-loop delay and utilization, heap and GC from the runtime; CPU and memory of this process (not of
 * the host), all on `meterProvider`.
 *
 * Each `setMeterProvider` call adds the runtime collectors' callbacks again without removing the earlier
 * ones (instrumentation-runtime-node 0.36), and an instrumentation constructed while a global provider is
 * set registers on it at once. With several event-loop utilization callbacks, the last one measures only
 * the microseconds since the one before and `nodejs_eventloop_utilization` reads 1 on an idle service.
 * So they are constructed disabled (nothing registered anywhere), given the provider once, then enabled,
 * and never handed to the NodeSDK, which would set the provider again.
 */
function startRuntimeMetrics(meterProvider: MeterProvider): Instrumentation[] {
  const instrumentations: Instrumentation[] = [
    new RuntimeNodeInstrumentation({ enabled: false }),
    new HostMetricsInstrumentation({ enabled: false, metricGroups: ['process.cpu', 'process.memory'] }),
  ];
  for (const instrumentation of instrumentations) {
    instrumentation.setMeterProvider(meterProvider);
    instrumentation.enable();
  }
  return instrumentations;
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
