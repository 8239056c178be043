import { diag, DiagLogLevel, type Attributes, type DiagLogger } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { FeedbackTracker, type ModelIdentity, type PredictionRecord } from '@modelsight/core';
import {
  redisFeedbackStore,
  type RedisFeedbackStore,
  type RedisFeedbackStoreOptions,
} from '@modelsight/feedback-redis';

/** A reader that exports nothing: tests collect and read what it holds. */
class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** One replica of a service in this process: its own meter, Redis connection and tracker. */
export interface InProcessReplica {
  readonly tracker: FeedbackTracker<RedisFeedbackStore>;
  readonly store: RedisFeedbackStore;
  /** The collected point of `name` whose attributes include `attributes` (the sum of several); undefined when none. */
  metric(name: string, attributes?: Attributes): Promise<number | undefined>;
  /** Every collected metric name. */
  names(): Promise<string[]>;
  close(): Promise<void>;
}

/** Starts a replica; it waits for Redis to answer unless `waitForRedis` is false. */
export async function inProcessReplica(
  options: RedisFeedbackStoreOptions & { ttlMs?: number; model?: ModelIdentity; outcomes?: string[] },
  waitForRedis = true,
): Promise<InProcessReplica> {
  const { ttlMs, model, outcomes, ...storeOptions } = options;
  const reader = new CollectingReader();
  const provider = new MeterProvider({ readers: [reader] });
  const store = redisFeedbackStore(storeOptions);
  const tracker = new FeedbackTracker({ store, meter: provider.getMeter('replica'), ttlMs, model, outcomes });
  if (waitForRedis) await waitUntil(() => store.available, 10_000, 'the store to connect');
  const points = async () => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((scope) =>
      scope.metrics.flatMap((metric) =>
        (metric.dataPoints as Array<{ attributes: Attributes; value: unknown }>).map((point) => ({
          name: metric.descriptor.name,
          ...point,
        })),
      ),
    );
  };
  return {
    tracker,
    store,
    metric: async (name, attributes = {}) => {
      const found = (await points()).filter(
        (p) => p.name === name && Object.entries(attributes).every(([k, v]) => p.attributes[k] === v),
      );
      if (found.length === 1) return found[0]!.value as number;
      return found.length === 0 ? undefined : found.reduce((sum, p) => sum + (p.value as number), 0);
    },
    names: async () => [...new Set((await points()).map((p) => p.name))],
    close: async () => {
      await store.close();
      await provider.shutdown();
    },
  };
}

let counter = 0;

/** A prediction record as `traced()` hands it to observers, with a fresh ID and trace ID. */
export function predictionRecord(
  model: ModelIdentity,
  output: { label?: string; confidence?: number } | number,
  id?: string,
): PredictionRecord {
  counter++;
  const isNumber = typeof output === 'number';
  return {
    model,
    predictionId: id ?? `${process.pid.toString(36)}-${counter.toString(36)}`,
    traceId: counter.toString(16).padStart(32, 'b'),
    spanId: undefined,
    status: 'ok',
    label: isNumber ? undefined : output.label,
    confidence: isNumber ? undefined : output.confidence,
    output,
    features: undefined,
    durationSeconds: 0.001,
    endTime: Date.now(),
    task: undefined,
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** Every `diag` message at warning level or above, and info messages apart, while installed. */
export function captureDiag() {
  const warnings: string[] = [];
  const infos: string[] = [];
  const text = (message: string, args: unknown[]) => [message, ...args.map(String)].join(' ');
  const logger: DiagLogger = {
    error: (message, ...args) => warnings.push(text(message, args)),
    warn: (message, ...args) => warnings.push(text(message, args)),
    info: (message, ...args) => infos.push(text(message, args)),
    debug: () => {},
    verbose: () => {},
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.INFO, suppressOverrideMessage: true });
  return {
    warnings,
    infos,
    reset() {
      warnings.length = 0;
      infos.length = 0;
    },
    matching: (pattern: RegExp) => warnings.filter((w) => pattern.test(w)),
  };
}
