import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpServerDurations } from '../src/instrumentations/http-server-durations';
import { HttpServerInstrumentation } from '../src/instrumentations/http-server-instrumentation';
import { setRequestRoute } from '../src/instrumentations/http-route';

const SERVER = 1; // SpanKind.SERVER in the SDK's enum

const contextManager = new AsyncLocalStorageContextManager();
const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const durations = new HttpServerDurations(100, { explicit: true, exponential: false });
let instrumentation: HttpServerInstrumentation;
let server: Server;
let url: string;
/** What the handler saw: the span active in it, and in the body's end event. */
let seen: { handler?: string; bodyEnd?: string } = {};

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  instrumentation = new HttpServerInstrumentation({
    ignore: (request: IncomingMessage) => request.url === '/metrics',
    keepQueryParams: ['page'],
    attach: (requestContext) => contextManager.attach(requestContext),
    durations,
  });
  instrumentation.setTracerProvider(tracer);
  instrumentation.enable();
  server = createServer((request, response) => {
    seen.handler = trace.getActiveSpan()?.spanContext().spanId;
    if (request.url?.startsWith('/models/')) setRequestRoute(request, '/models/:name');
    request.resume();
    request.on('end', () => {
      // Later, as an async handler would answer.
      setTimeout(() => {
        seen.bodyEnd = trace.getActiveSpan()?.spanContext().spanId;
        response.statusCode = request.url === '/fail' ? 503 : 200;
        response.end('ok');
      }, 2);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  instrumentation.disable();
  await new Promise((resolve) => server.close(resolve));
  context.disable();
  propagation.disable();
});

afterEach(() => {
  exporter.reset();
  seen = {};
});

/** Sends a request on a connection of its own; resolves once it is answered and its span ended. */
function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<void>((resolve, reject) => {
    const request = httpRequest(
      `${url}${path}`,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (response) => {
        response.resume();
        response.on('end', () => setTimeout(resolve, 5));
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

describe('HttpServerInstrumentation', () => {
  it('makes one server span a request with the attributes of the conventions, and the route once reported', async () => {
    await send('/models/iris?page=2&token=abc', {
      method: 'POST',
      body: '{"x":1}',
      headers: { 'user-agent': 'probe/1' },
    });
    const [span] = exporter.getFinishedSpans();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(span!.kind).toBe(SERVER);
    expect(span!.name).toBe('POST /models/:name');
    expect(span!.instrumentationScope.name).toBe('@opentelemetry/instrumentation-http');
    expect(span!.attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.scheme': 'http',
      'url.path': '/models/iris',
      'url.query': 'page=2&token=REDACTED',
      'http.route': '/models/:name',
      'http.response.status_code': 200,
      'network.protocol.version': '1.1',
      'server.address': '127.0.0.1',
      'client.address': '127.0.0.1',
      'user_agent.original': 'probe/1',
    });
  });

  it('runs the handler, and what the body events start later, in the context of the server span', async () => {
    await send('/predict', { method: 'POST', body: 'x'.repeat(100_000) });
    const spanId = exporter.getFinishedSpans()[0]!.spanContext().spanId;
    expect(seen).toEqual({ handler: spanId, bodyEnd: spanId });
  });

  it('continues the trace of a W3C traceparent, names the span by the method without a route, marks a 5xx as an error', async () => {
    const parent = trace.wrapSpanContext({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 });
    const headers: Record<string, string> = {};
    propagation.inject(trace.setSpan(ROOT_CONTEXT, parent), headers);
    await send('/fail', { headers });
    const [span] = exporter.getFinishedSpans();
    expect(span!.spanContext().traceId).toBe('a'.repeat(32));
    expect(span!.parentSpanContext?.spanId).toBe('b'.repeat(16));
    expect(span!.name).toBe('GET');
    expect(span!.status.code).toBe(2);
    expect(span!.attributes['http.route']).toBeUndefined();
  });

  it('traces neither the requests it is told to ignore nor anything they start', async () => {
    await send('/metrics');
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(seen.handler).toBeUndefined();
  });

  it('counts every request in http.server.request.duration by route and status', async () => {
    const { resourceMetrics } = await durations.producer('explicit').collect();
    const points = resourceMetrics.scopeMetrics[0]!.metrics[0]!.dataPoints.map((point) => [
      point.attributes['http.route'],
      point.attributes['http.response.status_code'],
    ]);
    expect(points).toEqual([
      ['/models/:name', 200],
      [undefined, 200],
      [undefined, 503],
    ]);
  });
});

describe('HttpServerInstrumentation under a sampler that records nothing', () => {
  it('still passes the trace on to what the handler calls, in a span that is not recorded', async () => {
    const unsampled = new BasicTracerProvider({
      sampler: new AlwaysOffSampler(),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    instrumentation.setTracerProvider(unsampled);
    try {
      await send('/predict', { method: 'POST', body: '{}' });
      expect(exporter.getFinishedSpans()).toEqual([]);
      expect(seen.handler).toMatch(/^[0-9a-f]{16}$/);
      expect(seen.bodyEnd).toBe(seen.handler);
    } finally {
      instrumentation.setTracerProvider(tracer);
    }
  });
});
