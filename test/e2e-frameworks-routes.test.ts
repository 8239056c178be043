import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { startPreloaded, type PreloadedService, type PreloadMode } from './support/service-process';

// Koa, NestJS, Hono and Fastify services under the preload, exporting with the real OTLP/HTTP exporter to a
// receiver on loopback and serving the real /metrics: each request's route names its HTTP server span and
// labels http_server_request_duration, and the token in its query string reaches no span attribute,
// whichever instrumentation wrote the attribute.
const FIXTURES = resolve(__dirname, 'fixtures/framework-routes');
const SECRET = 'SECRET123';
const ROUTE = '/things/:id';
const SERVER = 2;

interface Case {
  framework: string;
  mode: PreloadMode;
  script: string;
  env?: Record<string, string>;
}

const cases: Case[] = [
  { framework: 'koa', mode: 'require', script: 'koa-service.cjs' },
  { framework: 'koa', mode: 'import', script: 'koa-service.mjs' },
  {
    framework: 'koa (framework spans on)',
    mode: 'require',
    script: 'koa-service.cjs',
    env: { MODELSIGHT_FRAMEWORK_SPANS: 'true' },
  },
  { framework: 'nestjs', mode: 'require', script: 'nest-service.cjs' },
  {
    framework: 'nestjs (framework spans on)',
    mode: 'require',
    script: 'nest-service.cjs',
    env: { MODELSIGHT_FRAMEWORK_SPANS: 'true' },
  },
  { framework: 'hono (@hono/otel)', mode: 'import', script: 'hono-service.mjs' },
  {
    framework: 'fastify (framework spans on)',
    mode: 'require',
    script: 'fastify-service.cjs',
    env: { MODELSIGHT_FRAMEWORK_SPANS: 'true' },
  },
];

/** Requests counted by `http_server_request_duration` on /metrics for one method and route. */
function requestCount(metrics: string, method: string, route: string): number {
  return metrics
    .split('\n')
    .filter(
      (line) =>
        line.startsWith('http_server_request_duration_count{') &&
        line.includes(`http_request_method="${method}"`) &&
        line.includes(`http_route="${route}"`),
    )
    .reduce((total, line) => total + Number(line.split(' ').at(-1)), 0);
}

/** Every attribute value of every span and span event, as text. */
const attributeText = (spans: ReceivedSpan[]) =>
  JSON.stringify(spans.map((span) => [span.attributes, span.events.map((event) => event.attributes)]));

describe.each(cases)(
  'a $framework service run with node --$mode @modelsight/node/register',
  ({ mode, script, env }) => {
    let receiver: OtlpReceiver;
    let service: PreloadedService;
    let spans: ReceivedSpan[];
    let metrics: string;

    beforeAll(async () => {
      receiver = await startOtlpReceiver();
      service = await startPreloaded({
        script: resolve(FIXTURES, script),
        preload: mode,
        collector: receiver.url,
        env: env ?? {},
      });
      for (const method of ['GET', 'POST']) {
        const response = await fetch(`${service.url}/things/42?token=${SECRET}`, { method });
        expect(response.status).toBeLessThan(300);
        expect(await response.json()).toMatchObject({ id: '42' });
      }
      metrics = await service.scrape();
      // Ended by SIGTERM: the preload exports every span before the process exits.
      await service.exitBy('SIGTERM');
      spans = receiver.spans();
    });
    afterAll(async () => {
      await service?.stop();
      await receiver?.close();
    });

    /** The HTTP server span of the request: the root span of its trace. */
    const serverSpan = (method: string) =>
      spans.find(
        (span) =>
          span.kind === SERVER &&
          span.parentSpanId === '' &&
          span.attributes['http.request.method'] === method &&
          String(span.attributes['url.path']).startsWith('/things/42'),
      );

    it(`names the HTTP server span of GET and POST /things/42 after the route ${ROUTE}, with http.route`, () => {
      for (const method of ['GET', 'POST']) {
        expect(serverSpan(method)).toMatchObject({
          name: `${method} ${ROUTE}`,
          attributes: expect.objectContaining({ 'http.route': ROUTE, 'http.response.status_code': expect.any(Number) }),
        });
      }
    });

    it('labels http_server_request_duration on /metrics with http_route', () => {
      expect(requestCount(metrics, 'GET', ROUTE)).toBe(1);
      expect(requestCount(metrics, 'POST', ROUTE)).toBe(1);
    });

    it('puts the token of the query string in no attribute of any span', () => {
      expect(spans.length).toBeGreaterThan(0);
      expect(attributeText(spans)).not.toContain(SECRET);
      // Recorded all the same, without the value.
      expect(serverSpan('GET')?.attributes['url.query']).toBe('token=REDACTED');
    });
  },
);
