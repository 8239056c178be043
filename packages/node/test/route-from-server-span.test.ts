import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { RPCType, setRPCMetadata, type RPCMetadata } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { RouteFromServerSpanProcessor } from '../src/traces/route-from-server-span';

const tracer = new BasicTracerProvider({ spanProcessors: [new RouteFromServerSpanProcessor()] }).getTracer('test');

/** The RPC metadata of one request, as the HTTP server instrumentation puts it in the request's context. */
function request(route?: string) {
  const serverSpan = tracer.startSpan('GET', { kind: SpanKind.SERVER });
  const metadata: RPCMetadata = { type: RPCType.HTTP, span: serverSpan, ...(route ? { route } : {}) };
  return { metadata, context: setRPCMetadata(trace.setSpan(ROOT_CONTEXT, serverSpan), metadata) };
}

describe('RouteFromServerSpanProcessor', () => {
  it("hands the http.route of a server span made inside a request to the request's RPC metadata as it ends", () => {
    const { metadata, context } = request();
    const inner = tracer.startSpan('GET', { kind: SpanKind.SERVER }, context);
    expect(metadata.route).toBeUndefined();
    inner.setAttribute('http.route', '/things/:id');
    inner.end();
    expect(metadata.route).toBe('/things/:id');
  });

  it('keeps a route a framework instrumentation set first, and ignores spans of other kinds', () => {
    const first = request('/from/router');
    const inner = tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: { 'http.route': '/x' } }, first.context);
    inner.end();
    expect(first.metadata.route).toBe('/from/router');

    const second = request();
    tracer.startSpan('handler', { kind: SpanKind.INTERNAL, attributes: { 'http.route': '/x' } }, second.context).end();
    expect(second.metadata.route).toBeUndefined();
  });
});
