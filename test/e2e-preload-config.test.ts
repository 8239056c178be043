import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './support/prometheus';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver';
import { predict, startService, type ServiceProcess } from './support/service-process';

// What the environment variables, a second start and another SDK do to a real service under the preload.
const CJS = resolve(__dirname, 'fixtures/preload-service.cjs');
const ESM = resolve(__dirname, 'fixtures/preload-service.mjs');
const PREDICT_SPAN = 'predict iris-classifier';

let service: ServiceProcess | undefined;
let receiver: OtlpReceiver | undefined;
let blocker: Server | undefined;
afterEach(async () => {
  await service?.stop();
  await receiver?.close();
  await new Promise((done) => (blocker ? blocker.close(done) : done(undefined)));
  service = receiver = blocker = undefined;
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function scrape(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

function predictionsTotal(text: string, version: string): number {
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith('ml_predictions_total{') && candidate.includes(`ml_model_version="${version}"`) && candidate.includes('ml_prediction_status="ok"'));
  return line ? Number(line.split(' ').at(-1)) : Number.NaN;
}

describe.each([
  ['require', CJS],
  ['import', ESM],
] as const)('pino under node --%s @modelsight/node/register', (mode, script) => {
  it('carries the trace and span ids of the predict span in lines logged during the prediction', async () => {
    receiver = await startOtlpReceiver();
    service = await startService({
      script,
      preload: mode,
      port: await freePort(),
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()) },
    });
    const answer = await predict(service, { petal_length: 4 });
    const spans = await receiver.waitForSpans((received) => received.some((span) => span.traceId === answer.traceId && span.name === PREDICT_SPAN));
    const span = spans.find((candidate) => candidate.traceId === answer.traceId && candidate.name === PREDICT_SPAN)!;
    // The fixture logs with plain pino: the ids come from the pino instrumentation alone.
    const line = service.logRecords().find((record) => record['msg'] === 'classifying');
    expect(line).toMatchObject({ trace_id: span.traceId, span_id: span.spanId, trace_flags: '01' });
  });
});

describe('OTEL_TRACES_SAMPLER', () => {
  it('always_off drops every span while ml_predictions_total still counts every prediction', async () => {
    receiver = await startOtlpReceiver();
    const metricsPort = await freePort();
    service = await startService({
      script: CJS,
      preload: 'require',
      port: await freePort(),
      env: {
        OTEL_TRACES_SAMPLER: 'always_off',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      },
    });
    for (let i = 0; i < 7; i += 1) await predict(service, { petal_length: i });
    await sleep(500);
    expect(receiver.spans()).toEqual([]);
    expect(predictionsTotal(await scrape(metricsPort), '1.4.0')).toBe(7);
  });

  it('traceidratio with OTEL_TRACES_SAMPLER_ARG=0.5 keeps some traces, not all, and counts every prediction', async () => {
    receiver = await startOtlpReceiver();
    const metricsPort = await freePort();
    service = await startService({
      script: CJS,
      preload: 'require',
      port: await freePort(),
      env: {
        OTEL_TRACES_SAMPLER: 'traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.5',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      },
    });
    for (let i = 0; i < 60; i += 1) await predict(service, { petal_length: i % 7 });
    await sleep(500);
    const kept = receiver.spans().filter((span) => span.name === PREDICT_SPAN).length;
    // Binomial(60, 0.5): outside [10, 50] with probability below 1e-7.
    expect(kept).toBeGreaterThanOrEqual(10);
    expect(kept).toBeLessThanOrEqual(50);
    expect(predictionsTotal(await scrape(metricsPort), '1.4.0')).toBe(60);
  });
});

describe('OTEL_TRACES_EXPORTER', () => {
  it('console prints each predict span to stdout', async () => {
    service = await startService({
      script: CJS,
      preload: 'require',
      port: await freePort(),
      env: { OTEL_TRACES_EXPORTER: 'console', OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()) },
    });
    const answer = await predict(service, { petal_length: 4 });
    await sleep(100);
    const out = service.stdoutLines().join('\n');
    expect(out).toContain(`name: '${PREDICT_SPAN}'`);
    expect(out).toContain(`traceId: '${answer.traceId}'`);
    expect(out).toContain(`'ml.prediction.id': '${answer.predictionId}'`);
  });

  it('none sends nothing to the collector and leaves log lines without trace ids', async () => {
    receiver = await startOtlpReceiver();
    service = await startService({
      script: CJS,
      preload: 'require',
      port: await freePort(),
      env: {
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      },
    });
    await predict(service, { petal_length: 4 });
    await sleep(400);
    expect(receiver.requests()).toEqual([]);
    const served = service.logRecords().find((record) => record['msg'] === 'prediction served');
    expect(served).toBeDefined();
    expect(served).not.toHaveProperty('trace_id');
  });
});

describe('bad configuration', () => {
  it('a variable with a bad value is named in one warning, its default is used and the service runs', async () => {
    receiver = await startOtlpReceiver();
    service = await startService({
      script: CJS,
      preload: 'require',
      port: await freePort(),
      env: {
        OTEL_BSP_MAX_QUEUE_SIZE: 'lots',
        OTEL_TRACES_SAMPLER: 'sometimes',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      },
    });
    const answer = await predict(service, { petal_length: 4 });
    await receiver.waitForSpans((spans) => spans.some((span) => span.traceId === answer.traceId && span.name === PREDICT_SPAN));
    expect(service.stderr()).toContain('OTEL_BSP_MAX_QUEUE_SIZE="lots" is not valid (expected a whole number greater than 0); using 2048');
    expect(service.stderr()).toContain('OTEL_TRACES_SAMPLER="sometimes" is not valid');
    expect(service.stderr()).toContain('using "parentbased_always_on"');
  });

  it('a Prometheus port already in use is warned about and the service runs', async () => {
    blocker = createServer();
    const port = await freePort();
    await new Promise<void>((done) => blocker!.listen(port, '127.0.0.1', done));
    service = await startService({
      script: CJS,
      preload: 'require',
      port: await freePort(),
      env: { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: String(port) },
    });
    expect((await predict(service, { petal_length: 4 })).label).toBe('versicolor');
    expect(service.stderr()).toContain(`cannot serve Prometheus metrics on 127.0.0.1:${port} (EADDRINUSE)`);
  });
});

describe('loading twice', () => {
  it('a start() after the preload returns the running instance, says so, and instruments each request once', async () => {
    receiver = await startOtlpReceiver();
    service = await startService({
      script: CJS,
      preload: 'require',
      port: await freePort(),
      env: {
        FIXTURE_CALL_START: '1',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      },
    });
    const answer = await predict(service, { petal_length: 4 });
    const spans = await receiver.waitForSpans((received) => received.some((span) => span.traceId === answer.traceId && span.name === PREDICT_SPAN));
    await sleep(300);
    expect(service.stderr()).toContain('already started (state: started); this second start changes nothing and its options are ignored');
    expect(service.stderr()).toContain('fixture: start() returned state=started');
    expect(receiver.spans().filter((span) => span.traceId === answer.traceId).map((span) => span.name).sort()).toEqual(['POST', PREDICT_SPAN]);
    expect(spans[0]!.resource['service.name']).toBe('preload-fixture');
  });

  it('--require and --import together start once and the ESM app is still instrumented', async () => {
    receiver = await startOtlpReceiver();
    service = await startService({
      script: ESM,
      preload: 'import',
      port: await freePort(),
      env: {
        NODE_OPTIONS: '--require @modelsight/node/register',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      },
    });
    const answer = await predict(service, { petal_length: 4 });
    await receiver.waitForSpans((received) => received.some((span) => span.traceId === answer.traceId && span.name === PREDICT_SPAN));
    expect(service.stderr()).toContain('already started');
    expect(service.logRecords().find((record) => record['msg'] === 'classifying')?.['trace_id']).toBe(answer.traceId);
  });
});

describe('beside an SDK the app registered itself', () => {
  it('leaves tracing to that SDK, says so, and still serves the prediction metrics', async () => {
    const metricsPort = await freePort();
    service = await startService({
      script: CJS,
      preload: 'none',
      port: await freePort(),
      env: { FIXTURE_OWN_SDK: '1', OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort) },
    });
    await predict(service, { petal_length: 4 });
    expect(service.stderr()).toContain('another OpenTelemetry SDK registered a tracer provider first; tracing and the http/pino instrumentation are left to it');
    expect(service.stderr()).toContain('fixture: start() returned state=started');
    expect(predictionsTotal(await scrape(metricsPort), '1.4.0')).toBe(1);
  });

  it('an app that registers its SDK after the preload keeps running and the API says it refused the second registration', async () => {
    receiver = await startOtlpReceiver();
    service = await startService({
      script: CJS,
      preload: 'require',
      port: await freePort(),
      env: {
        FIXTURE_OWN_SDK: '1',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      },
    });
    const answer = await predict(service, { petal_length: 4 });
    await receiver.waitForSpans((received) => received.some((span) => span.traceId === answer.traceId && span.name === PREDICT_SPAN));
    expect(service.stderr()).toContain('Attempted duplicate registration of API: trace');
  });
});

describe('OTEL_METRICS_EXPORTER=otlp', () => {
  it('pushes the prediction metrics to the collector, and a last time on SIGTERM', async () => {
    receiver = await startOtlpReceiver();
    service = await startService({
      script: CJS,
      preload: 'require',
      port: await freePort(),
      env: {
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_METRIC_EXPORT_INTERVAL: '600000',
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      },
    });
    for (let i = 0; i < 5; i += 1) await predict(service, { petal_length: i });
    await predict(service, { petal_length: 1 }, '?version=canary');
    expect(receiver.dataPoints()).toEqual([]);

    service.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: null, signal: 'SIGTERM' });

    const predictions = receiver
      .dataPoints()
      .filter((point) => point.name.startsWith('ml_predictions') && point.name !== 'ml_predictions_active' && point.attributes['ml.prediction.status'] === 'ok');
    expect(Object.fromEntries(predictions.map((point) => [point.attributes['ml.model.version'], point.value]))).toEqual({ '1.4.0': 5, '2.0.0-canary': 1 });
    expect(receiver.dataPoints().some((point) => point.name === 'v8js.memory.heap.used')).toBe(true);
  });
});

describe('start() in code', () => {
  it('lets its options win over the environment', async () => {
    receiver = await startOtlpReceiver();
    service = await startService({
      script: CJS,
      preload: 'none',
      port: await freePort(),
      env: {
        FIXTURE_CALL_START: '1',
        OTEL_SERVICE_NAME: 'from-the-environment',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      },
    });
    const answer = await predict(service, { petal_length: 4 });
    const spans = await receiver.waitForSpans((received) => received.some((span) => span.traceId === answer.traceId && span.name === PREDICT_SPAN));
    expect(spans.find((span) => span.name === PREDICT_SPAN)!.resource['service.name']).toBe('preload-fixture-from-code');
    expect(service.stderr()).toBe('fixture: start() returned state=started\n');
  });
});

describe.each(['require', 'import'] as const)('worker threads under node --%s @modelsight/node/register', (mode) => {
  it('start telemetry in the main thread only', async () => {
    service = await startService({
      script: resolve(__dirname, 'fixtures/preload-worker.cjs'),
      preload: mode,
      port: await freePort(),
      waitForHealth: false,
      env: { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()) },
    });
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(service.stdoutLines().sort()).toEqual(['main: started', 'worker: none']);
    expect(service.stderr()).toBe('');
  });
});

describe('OTEL_SDK_DISABLED=true', () => {
  it('starts nothing: no spans, no /metrics, and the service runs', async () => {
    receiver = await startOtlpReceiver();
    const metricsPort = await freePort();
    service = await startService({
      script: CJS,
      preload: 'require',
      port: await freePort(),
      env: { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort) },
    });
    const answer = await predict(service, { petal_length: 4 });
    await sleep(300);
    expect(answer.traceId).toBe('00000000000000000000000000000000');
    expect(receiver.requests()).toEqual([]);
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
    expect(service.stderr()).toBe('');
  });
});

describe('OTEL_LOG_LEVEL', () => {
  it('info writes what was started (to stdout, as OpenTelemetry writes info), and nothing about replacing a logger', async () => {
    service = await startService({
      script: CJS,
      preload: 'require',
      port: await freePort(),
      env: { OTEL_LOG_LEVEL: 'info', OTEL_TRACES_EXPORTER: 'console', OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: '0' },
    });
    await predict(service, { petal_length: 4 });
    const notes = service.stdoutLines().filter((line) => line.startsWith('@modelsight/node:'));
    expect(notes[0]).toBe('@modelsight/node: traces: console; sampler parentbased_always_on; metrics: prometheus');
    expect(notes[1]).toMatch(/^@modelsight\/node: Prometheus metrics served at http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(service.stderr()).toBe('');
  });
});
