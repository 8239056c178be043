import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { queryRedaction, redactQuery } from '../src/instrumentations/http-redaction';

const keep = (...names: string[]) => new Set(names);

describe('redactQuery', () => {
  it('replaces every value by REDACTED and keeps the parameter names', () => {
    expect(redactQuery('token=abc123&user=ana%40example.com', keep())).toBe('token=REDACTED&user=REDACTED');
  });

  it('keeps the values of the parameters it is told to keep, names compared decoded', () => {
    expect(redactQuery('version=canary&token=abc&page%20size=20', keep('version', 'page size'))).toBe(
      'version=canary&token=REDACTED&page%20size=20',
    );
  });

  it('replaces a part without a value as a whole, since it is often a token itself', () => {
    expect(redactQuery('eyJhbGciOiJIUzI1NiJ9&debug=1', keep('debug'))).toBe('REDACTED&debug=1');
  });

  it('keeps empty parts and an empty query as they are', () => {
    expect(redactQuery('', keep())).toBe('');
    expect(redactQuery('a=1&&b=', keep())).toBe('a=REDACTED&&b=REDACTED');
  });
});

describe('queryRedaction', () => {
  const spanWith = (attributes: Record<string, string>) => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const span = provider.getTracer('test').startSpan('GET', { attributes });
    return { span, attributes: () => (span.end(), exporter.getFinishedSpans()[0]!.attributes) };
  };
  const incoming = (url: string) => {
    const request = new IncomingMessage(new Socket());
    request.url = url;
    return request;
  };

  it('rewrites url.query of a server span from the raw request URL', () => {
    const { span, attributes } = spanWith({ 'url.query': 'token=abc' });
    queryRedaction([]).requestHook!(span, incoming('/predict?token=abc&version=2'));
    expect(attributes()['url.query']).toBe('token=REDACTED&version=REDACTED');
  });

  it('rewrites the query of url.full on a client span, keeping the fragment', () => {
    const { span, attributes } = spanWith({ 'url.full': 'http://features:8080/v1/row?api_key=s3cret&id=7#top' });
    queryRedaction(['id']).requestHook!(span, {} as never);
    expect(attributes()['url.full']).toBe('http://features:8080/v1/row?api_key=REDACTED&id=7#top');
  });

  it('adds no hook when every query parameter is kept', () => {
    expect(queryRedaction(['*'])).toEqual({});
  });
});
