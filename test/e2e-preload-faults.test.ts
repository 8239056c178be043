import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './support/prometheus';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver';
import { predict, startService, type ServiceProcess } from './support/service-process';

// Collector faults and signals, against the real OTLP/HTTP exporter. Latency under faults is measured by
// benchmarks/preload-collector-faults.mjs, not asserted here.
const SCRIPT = resolve(__dirname, 'fixtures/preload-service.cjs');
const PREDICT_SPAN = 'predict iris-classifier';

let service: ServiceProcess | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await service?.stop();
  await receiver?.close();
  service = undefined;
  receiver = undefined;
});

const count = (text: string, needle: string) => text.split(needle).length - 1;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

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

async function waitForText(read: () => string, needle: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!read().includes(needle)) {
    if (Date.now() > until) throw new Error(`"${needle}" did not appear within ${timeoutMs} ms; got:\n${read()}`);
    await sleep(50);
  }
}

describe('a collector that is down', () => {
  it('leaves every request answered, warns once naming the endpoint, and delivers again once it is back', async () => {
    const collectorPort = await freePort();
    const endpoint = `http://127.0.0.1:${collectorPort}`;
    service = await startService({
      script: SCRIPT,
      preload: 'require',
      port: await freePort(),
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '300',
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      },
    });
    expect(await predictMany(service, 40)).toBe(40);
    await waitForText(service.stderr, `cannot export spans to ${endpoint}/v1/traces`);
    expect(await predictMany(service, 40)).toBe(40);
    await sleep(1000);
    expect(count(service.stderr(), 'cannot export spans')).toBe(1);
    expect(count(service.stderr(), 'ECONNREFUSED')).toBe(1);

    receiver = await startOtlpReceiver({ port: collectorPort });
    const answer = await predict(service, { petal_length: 5 });
    await receiver.waitForSpans((spans) => spans.some((span) => span.traceId === answer.traceId && span.name === PREDICT_SPAN));
  });
});

describe('a collector that hangs', () => {
  it('leaves every request answered and keeps at most OTEL_BSP_MAX_QUEUE_SIZE spans, dropping the rest', async () => {
    receiver = await startOtlpReceiver({ mode: 'hang' });
    service = await startService({
      script: SCRIPT,
      preload: 'require',
      port: await freePort(),
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '300',
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_BSP_MAX_QUEUE_SIZE: '20',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      },
    });
    expect(await predictMany(service, 300)).toBe(300);
    await waitForText(service.stderr, `cannot export spans to ${receiver.url}/v1/traces`);
    // A span added after the queue was full reports how many were dropped: the queue never grew past 20.
    expect(await predictMany(service, 20, 1)).toBe(20);
    await waitForText(service.stderr, 'spans because maxQueueSize reached');
    // Every request the exporter sent carried at most one batch of 10 spans (2 per prediction).
    expect(receiver.requests().length).toBeGreaterThan(0);
    expect(receiver.requests().length).toBeLessThan(300);
    expect(count(service.stderr(), 'cannot export spans')).toBe(1);
  });
});

describe('a collector that closes every connection', () => {
  it('leaves every request answered and warns once naming the endpoint', async () => {
    receiver = await startOtlpReceiver({ mode: 'refuse' });
    service = await startService({
      script: SCRIPT,
      preload: 'require',
      port: await freePort(),
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '300',
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      },
    });
    expect(await predictMany(service, 40)).toBe(40);
    await waitForText(service.stderr, `cannot export spans to ${receiver.url}/v1/traces`);
    expect(receiver.connections()).toBeGreaterThan(0);
    expect(count(service.stderr(), 'cannot export spans')).toBe(1);
  });
});

describe.each(['SIGTERM', 'SIGINT'] as const)('%s with spans queued', (signal) => {
  it(`exports every queued span before the process ends by ${signal}, as it would without the preload`, async () => {
    const bare = await startService({ script: SCRIPT, preload: 'none', port: await freePort() });
    bare.kill(signal);
    const bareExit = await bare.exited;

    receiver = await startOtlpReceiver();
    service = await startService({
      script: SCRIPT,
      preload: 'require',
      port: await freePort(),
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      },
    });
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await predict(service, { petal_length: i }));
    expect(receiver.spans()).toEqual([]);

    service.kill(signal);
    const exit = await service.exited;

    expect(exit).toEqual(bareExit);
    expect(exit).toEqual({ code: null, signal });
    const predicted = receiver.spans().filter((span) => span.name === PREDICT_SPAN);
    expect(predicted.map((span) => span.traceId).sort()).toEqual(answers.map((answer) => answer.traceId).sort());
  });
});

describe('SIGTERM to an app that handles it itself', () => {
  it('lets the app exit its own way and still exports the queued spans', async () => {
    receiver = await startOtlpReceiver();
    service = await startService({
      script: SCRIPT,
      preload: 'require',
      port: await freePort(),
      env: {
        FIXTURE_SIGNAL_HANDLER: '1',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      },
    });
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await predict(service, { petal_length: i }));

    service.kill('SIGTERM');
    const exit = await service.exited;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(service.logRecords().some((record) => record['msg'] === 'SIGTERM: closing the server')).toBe(true);
    const predicted = receiver.spans().filter((span) => span.name === PREDICT_SPAN);
    expect(predicted.map((span) => span.traceId).sort()).toEqual(answers.map((answer) => answer.traceId).sort());
  });
});

describe('SIGTERM while the collector hangs', () => {
  it('ends the process within MODELSIGHT_SHUTDOWN_TIMEOUT_MS and says why', async () => {
    receiver = await startOtlpReceiver({ mode: 'hang' });
    service = await startService({
      script: SCRIPT,
      preload: 'require',
      port: await freePort(),
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        MODELSIGHT_SHUTDOWN_TIMEOUT_MS: '1000',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      },
    });
    await predict(service, { petal_length: 1 });
    const started = Date.now();
    service.kill('SIGTERM');
    const exit = await service.exited;
    const elapsed = Date.now() - started;

    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(5000);
    expect(service.stderr()).toContain(`flushing took longer than 1000 ms (is the collector at ${receiver.url}/v1/traces answering?)`);
  });
});
