import { SpanKind, type Context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType, type RPCMetadata } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Hands the route of a server span made inside a request's HTTP server span to that server span: a framework
 * middleware that makes a server span of its own with `http.route` (`@hono/otel` does) then names the HTTP
 * server span (`POST /things/:id`) and labels its `http.server.request.duration` too. It uses the request's
 * RPC metadata, where the framework instrumentations of Express, Fastify and Koa put the route; a route set
 * there first is kept.
 *
 * A span costs one comparison of its kind at start; only an inner server span is remembered until it ends.
 */
export class RouteFromServerSpanProcessor implements SpanProcessor {
  private readonly requests = new WeakMap<Span, RPCMetadata>();

  onStart(span: Span, parentContext: Context): void {
    if (span.kind !== SpanKind.SERVER) return;
    const metadata = getRPCMetadata(parentContext);
    if (metadata?.type === RPCType.HTTP) this.requests.set(span, metadata);
  }

  onEnding(span: Span): void {
    const metadata = this.requests.get(span);
    if (metadata === undefined) return;
    this.requests.delete(span);
    const route = span.attributes['http.route'];
    if (metadata.route === undefined && typeof route === 'string' && route !== '') metadata.route = route;
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
