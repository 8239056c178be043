import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { queryRedactionProcessor, redactUrl } from '../src/traces/query-redaction-processor';

/** A tracer whose spans pass the redaction for `keepQueryParams`, then an in-memory exporter. */
function setup(keepQueryParams: string[]) {
  const exported = new InMemorySpanExporter();
  const redaction = queryRedactionProcessor(keepQueryParams);
  const tracer = new BasicTracerProvider({
    spanProcessors: [...(redaction ? [redaction] : []), new SimpleSpanProcessor(exported)],
  }).getTracer('test');
  const attributesOf = (attributes: Record<string, string | number>) => {
    tracer.startSpan('request', { attributes }).end();
    return exported.getFinishedSpans().at(-1)!.attributes;
  };
  return { tracer, exported, attributesOf };
}

describe('the query redaction span processor', () => {
  it('redacts the query of url.path, url.full, http.target, http.url and url.query, whatever set them', () => {
    const { attributesOf } = setup([]);
    expect(
      attributesOf({
        'url.path': '/predict?token=SECRET123',
        'url.full': 'http://127.0.0.1:3000/things/42?token=SECRET123&page=2#top',
        'http.target': '/things/42?SECRET123',
        'http.url': 'http://svc/things?token=SECRET123',
        'url.query': 'token=SECRET123',
        'http.route': '/things/:id',
        'user.note': 'a?token=SECRET123',
      }),
    ).toEqual({
      'url.path': '/predict?token=REDACTED',
      'url.full': 'http://127.0.0.1:3000/things/42?token=REDACTED&page=REDACTED#top',
      'http.target': '/things/42?REDACTED',
      'http.url': 'http://svc/things?token=REDACTED',
      'url.query': 'token=REDACTED',
      'http.route': '/things/:id',
      // Only the URL-bearing keys are looked at.
      'user.note': 'a?token=SECRET123',
    });
  });

  it('covers attributes set after the span started, until it ends', () => {
    const { tracer, exported } = setup([]);
    const span = tracer.startSpan('request');
    span.setAttribute('url.path', '/predict?token=SECRET123');
    span.end();
    expect(exported.getFinishedSpans()[0]!.attributes['url.path']).toBe('/predict?token=REDACTED');
  });

  it('keeps the parameters of keepQueryParams, and url.query with its ? as undici writes it', () => {
    const { attributesOf } = setup(['version']);
    expect(attributesOf({ 'url.path': '/p?version=canary&token=x', 'url.query': '?version=canary&token=x' })).toEqual({
      'url.path': '/p?version=canary&token=REDACTED',
      'url.query': '?version=canary&token=REDACTED',
    });
  });

  it('is left out when every query string is to be kept', () => {
    expect(queryRedactionProcessor(['*'])).toBeUndefined();
    expect(setup(['*']).attributesOf({ 'url.path': '/p?token=x' })).toEqual({ 'url.path': '/p?token=x' });
  });

  it('leaves values without a query, and values already redacted, as they are', () => {
    const keep = new Set<string>();
    expect(redactUrl('/things/42', keep)).toBe('/things/42');
    expect(redactUrl('/p?token=REDACTED&REDACTED', keep)).toBe('/p?token=REDACTED&REDACTED');
  });
});
