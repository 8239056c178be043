import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './support/prometheus';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { predict, startPreloaded, type PreloadedService, type StartPreloadedOptions } from './support/service-process';

// What the environment variables, a second start and another SDK do to a real service under the preload.
const CJS = resolve(__dirname, 'fixtures/preload-service.cjs');
const ESM = resolve(__dirname, 'fixtures/preload-service.mjs');
const PREDICT_SPAN = 'predict iris-classifier';

let service: PreloadedService | undefined;
let receiver: OtlpReceiver | undefined;
let blocker: Server | undefined;
afterEach(async () => {
  await service?.stop();
  await receiver?.close();
  await new Promise((done) => (blocker ? blocker.close(done) : done(undefined)));
  service = receiver = blocker = undefined;
});

/** Starts the CommonJS fixture (unless another script is given) under `--require`. */
async function startFixture(options: Partial<StartPreloadedOptions> = {}): Promise<PreloadedService> {
  service = await startPreloaded({ script: CJS, ...options });
  return service;
}

/** Starts a receiver and the fixture exporting to it. */
async function startFixtureWithCollector(options: Partial<StartPreloadedOptions> = {}): Promise<PreloadedService> {
  receiver = await startOtlpReceiver();
  return startFixture({ collector: receiver.url, ...options });
}

/** One prediction, and the spans received once its predict span has arrived. */
async function predictAndWaitForSpan(target: PreloadedService): Promise<{ traceId: string; spans: ReceivedSpan[] }> {
  const answer = await predict(target, { petal_length: 4 });
  const spans = await receiver!.waitForSpans((received) =>
    received.some((span) => span.traceId === answer.traceId && span.name === PREDICT_SPAN),
  );
  return { traceId: answer.traceId, spans };
}

function predictionsTotal(text: string, version: string): number {
  const line = text
    .split('\n')
    .find(
      (candidate) =>
        candidate.startsWith('ml_predictions_total{') &&
        candidate.includes(`ml_model_version="${version}"`) &&
        candidate.includes('ml_prediction_status="ok"'),
    );
  return line ? Number(line.split(' ').at(-1)) : Number.NaN;
}

describe.each([
  ['require', CJS],
  ['import', ESM],
] as const)('pino under node --%s @modelsight/node/register', (mode, script) => {
  it('carries the trace and span ids of the predict span in lines logged during the prediction', async () => {
    const { traceId, spans } = await predictAndWaitForSpan(await startFixtureWithCollector({ script, preload: mode }));
    const span = spans.find((candidate) => candidate.traceId === traceId && candidate.name === PREDICT_SPAN)!;
    // The fixture logs with plain pino: the ids come from the pino instrumentation alone.
    const line = service!.logRecords().find((record) => record['msg'] === 'classifying');
    expect(line).toMatchObject({ trace_id: span.traceId, span_id: span.spanId, trace_flags: '01' });
  });
});

// Where nothing is to arrive, the service is ended by SIGTERM first: its final flush has sent everything.
describe('OTEL_TRACES_SAMPLER', () => {
  it('always_off drops every span while ml_predictions_total still counts every prediction', async () => {
    const running = await startFixtureWithCollector({ env: { OTEL_TRACES_SAMPLER: 'always_off' } });
    for (let i = 0; i < 7; i += 1) await predict(running, { petal_length: i });
    expect(predictionsTotal(await running.scrape(), '1.4.0')).toBe(7);
    await running.exitBy('SIGTERM');
    expect(receiver!.spans()).toEqual([]);
  });

  it('traceidratio with OTEL_TRACES_SAMPLER_ARG=0.5 keeps some traces, not all, and counts every prediction', async () => {
    const running = await startFixtureWithCollector({
      env: { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' },
    });
    for (let i = 0; i < 60; i += 1) await predict(running, { petal_length: i % 7 });
    expect(predictionsTotal(await running.scrape(), '1.4.0')).toBe(60);
    await running.exitBy('SIGTERM');
    const kept = receiver!.spans().filter((span) => span.name === PREDICT_SPAN).length;
    // Binomial(60, 0.5): outside [10, 50] with probability below 1e-7.
    expect(kept).toBeGreaterThanOrEqual(10);
    expect(kept).toBeLessThanOrEqual(50);
  });
});

describe('OTEL_TRACES_EXPORTER', () => {
  it('console prints each predict span to stdout', async () => {
    const running = await startFixture({ env: { OTEL_TRACES_EXPORTER: 'console' } });
    const answer = await predict(running, { petal_length: 4 });
    await running.waitForOutput('stdout', `traceId: '${answer.traceId}'`);
    const out = running.stdoutLines().join('\n');
    expect(out).toContain(`name: '${PREDICT_SPAN}'`);
    expect(out).toContain(`'ml.prediction.id': '${answer.predictionId}'`);
  });

  it('none sends nothing to the collector and leaves log lines without trace ids', async () => {
    const running = await startFixtureWithCollector({ env: { OTEL_TRACES_EXPORTER: 'none' } });
    await predict(running, { petal_length: 4 });
    await running.exitBy('SIGTERM');
    expect(receiver!.requests()).toEqual([]);
    const served = running.logRecords().find((record) => record['msg'] === 'prediction served');
    expect(served).toBeDefined();
    expect(served).not.toHaveProperty('trace_id');
  });
});

describe('bad configuration', () => {
  it('a variable with a bad value is named in one warning, its default is used and the service runs', async () => {
    const running = await startFixtureWithCollector({
      env: { OTEL_BSP_MAX_QUEUE_SIZE: 'lots', OTEL_TRACES_SAMPLER: 'sometimes' },
    });
    await predictAndWaitForSpan(running);
    expect(running.stderr()).toContain(
      'OTEL_BSP_MAX_QUEUE_SIZE="lots" is not valid (expected a whole number greater than 0); using 2048',
    );
    expect(running.stderr()).toContain('OTEL_TRACES_SAMPLER="sometimes" is not valid');
    expect(running.stderr()).toContain('using parentbased_always_on');
  });

  it('a Prometheus port already in use is warned about and the service runs', async () => {
    blocker = createServer();
    const port = await freePort();
    await new Promise<void>((done) => blocker!.listen(port, '127.0.0.1', done));
    const running = await startFixture({
      env: { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_PROMETHEUS_PORT: String(port) },
    });
    expect((await predict(running, { petal_length: 4 })).label).toBe('versicolor');
    expect(running.stderr()).toContain(`cannot serve Prometheus metrics on 127.0.0.1:${port} (EADDRINUSE)`);
  });
});

describe('loading twice', () => {
  it('a start() after the preload returns the running instance, says so, and instruments each request once', async () => {
    const running = await startFixtureWithCollector({ env: { FIXTURE_CALL_START: '1' } });
    const { traceId, spans } = await predictAndWaitForSpan(running);
    await running.exitBy('SIGTERM');
    expect(running.stderr()).toContain(
      'already started (state: started); this second start changes nothing and its options are ignored',
    );
    expect(running.stderr()).toContain('fixture: start() returned state=started');
    expect(
      receiver!
        .spans()
        .filter((span) => span.traceId === traceId)
        .map((span) => span.name)
        .sort(),
    ).toEqual(['POST', PREDICT_SPAN]);
    expect(spans[0]!.resource['service.name']).toBe('preload-fixture');
  });

  it('runningTelemetry() gives the app the instance the preload started, without starting another', async () => {
    const running = await startFixture({ env: { OTEL_TRACES_EXPORTER: 'none', FIXTURE_RUNNING: '1' } });
    expect((await predict(running, { petal_length: 4 })).label).toBe('versicolor');
    expect(running.stderr()).toContain('fixture: runningTelemetry() returned state=started');
    expect(running.stderr()).not.toContain('already started');
  });

  it('--require and --import together start once and the ESM app is still instrumented', async () => {
    const running = await startFixtureWithCollector({
      script: ESM,
      preload: 'import',
      env: { NODE_OPTIONS: '--require @modelsight/node/register' },
    });
    const { traceId } = await predictAndWaitForSpan(running);
    expect(running.stderr()).toContain('already started');
    expect(running.logRecords().find((record) => record['msg'] === 'classifying')?.['trace_id']).toBe(traceId);
  });
});

describe('beside an SDK the app registered itself', () => {
  it('leaves tracing to that SDK, says so, and still serves the prediction metrics', async () => {
    const running = await startFixture({ preload: 'none', env: { FIXTURE_OWN_SDK: '1' } });
    await predict(running, { petal_length: 4 });
    expect(running.stderr()).toContain(
      'another OpenTelemetry SDK registered a tracer provider first; tracing and instrumentation are left to it',
    );
    expect(running.stderr()).toContain('fixture: start() returned state=started');
    expect(predictionsTotal(await running.scrape(), '1.4.0')).toBe(1);
  });

  it('an app that registers its SDK after the preload keeps running and the API says it refused the second registration', async () => {
    await predictAndWaitForSpan(await startFixtureWithCollector({ env: { FIXTURE_OWN_SDK: '1' } }));
    expect(service!.stderr()).toContain('Attempted duplicate registration of API: trace');
  });
});

describe('logs', () => {
  it('stay with pino: an app can register a logger provider of its own under the preload', async () => {
    await predictAndWaitForSpan(await startFixtureWithCollector({ env: { FIXTURE_OWN_LOGGER: '1' } }));
    expect(service!.stderr()).toBe('fixture: own logger provider registered\n');
  });
});

describe('OTEL_METRICS_EXPORTER=otlp', () => {
  it('pushes the prediction metrics to the collector, and a last time on SIGTERM', async () => {
    const running = await startFixtureWithCollector({
      env: { OTEL_METRICS_EXPORTER: 'otlp', OTEL_METRIC_EXPORT_INTERVAL: '600000', OTEL_TRACES_EXPORTER: 'none' },
    });
    for (let i = 0; i < 5; i += 1) await predict(running, { petal_length: i });
    await predict(running, { petal_length: 1 }, '?version=canary');
    expect(receiver!.dataPoints()).toEqual([]);

    expect(await running.exitBy('SIGTERM')).toEqual({ code: null, signal: 'SIGTERM' });

    const predictions = receiver!
      .dataPoints()
      .filter(
        (point) =>
          point.name.startsWith('ml_predictions') &&
          point.name !== 'ml_predictions_active' &&
          point.attributes['ml.prediction.status'] === 'ok',
      );
    expect(Object.fromEntries(predictions.map((point) => [point.attributes['ml.model.version'], point.value]))).toEqual(
      { '1.4.0': 5, '2.0.0-canary': 1 },
    );
    expect(receiver!.dataPoints().some((point) => point.name === 'v8js.memory.heap.used')).toBe(true);
  });
});

describe('start() in code', () => {
  it('lets its options win over the environment', async () => {
    const running = await startFixtureWithCollector({
      preload: 'none',
      env: { FIXTURE_CALL_START: '1', OTEL_SERVICE_NAME: 'from-the-environment' },
    });
    const { spans } = await predictAndWaitForSpan(running);
    expect(spans.find((span) => span.name === PREDICT_SPAN)!.resource['service.name']).toBe(
      'preload-fixture-from-code',
    );
    expect(running.stderr()).toBe('fixture: start() returned state=started\n');
  });
});

describe.each(['require', 'import'] as const)('worker threads under node --%s @modelsight/node/register', (mode) => {
  it('start telemetry in the main thread only', async () => {
    const running = await startFixture({
      script: resolve(__dirname, 'fixtures/preload-worker.cjs'),
      preload: mode,
      waitForHealth: false,
      env: { OTEL_TRACES_EXPORTER: 'none' },
    });
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(running.stdoutLines().sort()).toEqual(['main: started', 'worker: none']);
    expect(running.stderr()).toBe('');
  });
});

describe('OTEL_SDK_DISABLED=true', () => {
  it('starts nothing: no spans, no /metrics, and the service runs', async () => {
    const running = await startFixtureWithCollector({ env: { OTEL_SDK_DISABLED: 'true' } });
    const answer = await predict(running, { petal_length: 4 });
    expect(answer.traceId).toBe('00000000000000000000000000000000');
    await expect(running.scrape()).rejects.toThrow();
    // Without the preload's listener, SIGTERM ends the process at once, as it would without telemetry.
    expect(await running.exitBy('SIGTERM')).toEqual({ code: null, signal: 'SIGTERM' });
    expect(receiver!.requests()).toEqual([]);
    expect(running.stderr()).toBe('');
  });
});

describe('OTEL_LOG_LEVEL', () => {
  it('info writes what was started (to stdout, as OpenTelemetry writes info), and nothing about replacing a logger', async () => {
    const running = await startFixture({
      env: { OTEL_LOG_LEVEL: 'info', OTEL_TRACES_EXPORTER: 'console', OTEL_EXPORTER_PROMETHEUS_PORT: '0' },
    });
    await predict(running, { petal_length: 4 });
    const notes = running.stdoutLines().filter((line) => line.startsWith('@modelsight/node:'));
    expect(notes[0]).toBe(
      '@modelsight/node: traces: console; sampler parentbased_always_on; metrics: prometheus; ' +
        'instrumentations: http, express, fastify, koa, nestjs-core, undici, pino, runtime-node, host-metrics, onnxruntime, tfjs, transformers',
    );
    expect(notes[1]).toMatch(/^@modelsight\/node: Prometheus metrics served at http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(running.stderr()).toBe('');
  });
});
