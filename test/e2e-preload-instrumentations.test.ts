import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { startPreloaded, type PreloadedService } from './support/service-process';

// start() in code with the instrumentations option: an http instrumentation the app configured itself
// replaces the built-in one.
const SCRIPT = resolve(__dirname, 'fixtures/framework-apps/express-app-start.cjs');
const SERVER = 2;

describe('an http instrumentation passed to start() in the instrumentations option', () => {
  let receiver: OtlpReceiver;
  let service: PreloadedService;
  let traceId: string;
  let spans: ReceivedSpan[];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    service = await startPreloaded({ script: SCRIPT, preload: 'none', collector: receiver.url });
    // Before the prediction: a server span of the scrape would end, and be exported, before the one awaited.
    await service.scrape();
    const response = await fetch(`${service.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-client': 'nightly-batch' },
      body: JSON.stringify({ features: { customer: 'c1', tenure: 12, charges: 40 } }),
    });
    traceId = ((await response.json()) as { traceId: string }).traceId;
    spans = await receiver.waitForSpans((received) =>
      received.some((span) => span.traceId === traceId && span.kind === SERVER),
    );
  });

  afterAll(async () => {
    await service?.stop();
    await receiver?.close();
  });

  it('replaces the built-in one: each request has one server span, carrying what the app configured', () => {
    const servers = spans.filter((span) => span.traceId === traceId && span.kind === SERVER);
    expect(servers).toHaveLength(1);
    expect(servers[0]).toMatchObject({
      name: 'POST /predict',
      attributes: expect.objectContaining({ 'app.client': 'nightly-batch' }),
    });
  });

  it('keeps ignoring what the app said to ignore, and the scrapes of /metrics', () => {
    const paths = spans.filter((span) => span.kind === SERVER).map((span) => span.attributes['url.path']);
    expect(paths).toEqual(['/predict']);
  });

  it('runs beside the built-in instrumentations that are not disabled, as start() reports', () => {
    expect(service.stdoutLines().find((line) => line.startsWith('fixture: '))).toContain(
      'instrumentations: express, fastify, koa, nestjs-core, pino, runtime-node, host-metrics, onnxruntime, tfjs, transformers, @opentelemetry/instrumentation-http',
    );
  });
});
