import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './support/prometheus';
import { startOtlpReceiver, type OtlpReceiver, type ReceiverMode } from './support/otlp-receiver';
import {
  predict,
  startPreloaded,
  startService,
  type PreloadedService,
  type ServiceProcess,
} from './support/service-process';

// Collector faults and signals, against the real OTLP/HTTP exporter. Latency under faults is measured by
// packages/node/bench/preload-collector-faults.mjs, not asserted here.
const SCRIPT = resolve(__dirname, 'fixtures/preload-service.cjs');
const PREDICT_SPAN = 'predict iris-classifier';

let service: PreloadedService | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await service?.stop();
  await receiver?.close();
  service = undefined;
  receiver = undefined;
});

const count = (text: string, needle: string) => text.split(needle).length - 1;

/** Starts the fixture exporting to `collector`, each export request given up after 300 ms. */
async function startExportingTo(collector: string, env: Record<string, string> = {}): Promise<PreloadedService> {
  service = await startPreloaded({
    script: SCRIPT,
    collector,
    env: { OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '300', ...env },
  });
  return service;
}

/** Starts a receiver in `mode` and the fixture exporting to it. */
async function startWithReceiver(mode: ReceiverMode, env: Record<string, string> = {}): Promise<PreloadedService> {
  receiver = await startOtlpReceiver({ mode });
  return startExportingTo(receiver.url, env);
}

/** Starts the fixture with spans kept queued until a flush (the batch delay is ten minutes). */
async function startWithQueuedSpans(
  env: Record<string, string> = {},
  mode: ReceiverMode = 'normal',
): Promise<PreloadedService> {
  receiver = await startOtlpReceiver({ mode });
  service = await startPreloaded({
    script: SCRIPT,
    collector: receiver.url,
    env: { OTEL_BSP_SCHEDULE_DELAY: '600000', ...env },
  });
  return service;
}

async function predictMany(target: ServiceProcess, total: number, concurrency = 8): Promise<number> {
  let ok = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next += 1;
        await predict(target, { petal_length: 1 + (next % 6) });
        ok += 1;
      }
    }),
  );
  return ok;
}

async function predictSequentially(target: ServiceProcess, total: number): Promise<string[]> {
  const traceIds: string[] = [];
  for (let i = 0; i < total; i += 1) traceIds.push((await predict(target, { petal_length: i })).traceId);
  return traceIds.sort();
}

const predictTraceIds = () =>
  receiver!
    .spans()
    .filter((span) => span.name === PREDICT_SPAN)
    .map((span) => span.traceId)
    .sort();

describe('a collector that is down', () => {
  it('leaves every request answered and warns once naming the endpoint, however many exports fail', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const running = await startExportingTo(endpoint);
    expect(await predictMany(running, 40)).toBe(40);
    await running.waitForOutput('stderr', `cannot export spans to ${endpoint}/v1/traces`);
    // Predictions made after the warning fail to export too, at the latest in the flush before the exit.
    expect(await predictMany(running, 40)).toBe(40);
    await running.exitBy('SIGTERM');
    expect(count(running.stderr(), 'cannot export spans')).toBe(1);
    expect(count(running.stderr(), 'ECONNREFUSED')).toBe(1);
  });

  it('delivers spans again once it is back', async () => {
    const collectorPort = await freePort();
    const endpoint = `http://127.0.0.1:${collectorPort}`;
    const running = await startExportingTo(endpoint);
    await predict(running, { petal_length: 5 });
    await running.waitForOutput('stderr', `cannot export spans to ${endpoint}/v1/traces`);

    receiver = await startOtlpReceiver({ port: collectorPort });
    const answer = await predict(running, { petal_length: 5 });
    await receiver.waitForSpans((spans) =>
      spans.some((span) => span.traceId === answer.traceId && span.name === PREDICT_SPAN),
    );
  });
});

describe('a collector that hangs', () => {
  it('leaves every request answered, sends batches of at most OTEL_BSP_MAX_EXPORT_BATCH_SIZE and drops spans past OTEL_BSP_MAX_QUEUE_SIZE', async () => {
    const running = await startWithReceiver('hang', {
      OTEL_BSP_MAX_QUEUE_SIZE: '20',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
      MODELSIGHT_DROPPED_SPANS_REPORT_INTERVAL_MS: '200',
    });
    expect(await predictMany(running, 300)).toBe(300);
    await running.waitForOutput('stderr', `cannot export spans to ${receiver!.url}/v1/traces`);
    // Spans ended while the queue was full are dropped and reported: the queue never grew past 20.
    expect(await predictMany(running, 20, 1)).toBe(20);
    await running.waitForOutput('stderr', 'queue full: ');
    expect(running.stderr()).toMatch(/Dropped \d+ spans in the last 200 ms \(queue full: \d+/);
    const requests = receiver!.requests();
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      expect(request.spans).toBeGreaterThan(0);
      expect(request.spans).toBeLessThanOrEqual(10);
    }
    expect(count(running.stderr(), 'cannot export spans')).toBe(1);
  });
});

describe('a collector that closes every connection', () => {
  it('leaves every request answered and warns once naming the endpoint', async () => {
    const running = await startWithReceiver('refuse');
    expect(await predictMany(running, 40)).toBe(40);
    await running.waitForOutput('stderr', `cannot export spans to ${receiver!.url}/v1/traces`);
    expect(receiver!.connections()).toBeGreaterThan(0);
    await running.exitBy('SIGTERM');
    expect(count(running.stderr(), 'cannot export spans')).toBe(1);
  });
});

describe.each(['SIGTERM', 'SIGINT'] as const)('%s with spans queued', (signal) => {
  it(`exports every queued span before the process ends by ${signal}, as it would without the preload`, async () => {
    const bare = await startService({ script: SCRIPT, preload: 'none', port: await freePort() });
    const bareExit = await bare.exitBy(signal);

    const running = await startWithQueuedSpans();
    const traceIds = await predictSequentially(running, 5);
    expect(receiver!.spans()).toEqual([]);

    const exit = await running.exitBy(signal);

    expect(exit).toEqual(bareExit);
    expect(exit).toEqual({ code: null, signal });
    expect(predictTraceIds()).toEqual(traceIds);
  });
});

describe('SIGTERM to an app that handles it itself', () => {
  it('lets the app exit its own way and still exports the queued spans', async () => {
    const running = await startWithQueuedSpans({ FIXTURE_SIGNAL_HANDLER: '1' });
    const traceIds = await predictSequentially(running, 3);

    expect(await running.exitBy('SIGTERM')).toEqual({ code: 0, signal: null });

    expect(running.logRecords().some((record) => record['msg'] === 'SIGTERM: closing the server')).toBe(true);
    expect(predictTraceIds()).toEqual(traceIds);
  });
});

describe('SIGTERM while the collector hangs', () => {
  it('gives up the flush after MODELSIGHT_SHUTDOWN_TIMEOUT_MS, says why, and ends by the signal', async () => {
    // The exporter's own limits are far longer than the test: only the shutdown bound can end the flush.
    const running = await startWithQueuedSpans(
      {
        MODELSIGHT_SHUTDOWN_TIMEOUT_MS: '1000',
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '600000',
        OTEL_BSP_EXPORT_TIMEOUT: '600000',
      },
      'hang',
    );
    await predict(running, { petal_length: 1 });

    expect(await running.exitBy('SIGTERM')).toEqual({ code: null, signal: 'SIGTERM' });

    expect(running.stderr()).toContain(
      `flushing took longer than 1000 ms (is the collector at ${receiver!.url}/v1/traces answering?)`,
    );
  });
});
