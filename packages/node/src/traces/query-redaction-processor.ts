import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { KEEP_ALL_QUERY_PARAMS, redactQuery } from '../instrumentations/http-redaction';

/**
 * The attributes that hold a URL or a path, and with it a query string: the stable HTTP semantic conventions
 * (`url.full`, `url.path`, `url.query`) and the older ones some instrumentations still write (`http.url`,
 * `http.target`). Only these are looked at, so that a span costs five property reads when none is set.
 */
export const URL_ATTRIBUTE_KEYS: readonly string[] = ['url.full', 'url.path', 'url.query', 'http.url', 'http.target'];

/**
 * Redacts query strings on every span the preload exports, whatever instrumentation made it (the http and
 * `fetch()` ones, Express, Fastify's `request` span with its `url.path`, Koa, Nest, the app's own): the value
 * of each query parameter not in `keepQueryParams` becomes `REDACTED`, as the HTTP server span's `url.query`.
 *
 * It runs as the span ends, before the export processors see it (the SDK calls `onEnding` of every
 * processor first, while the span's attributes can still be set), so attributes an instrumentation adds
 * late are covered too. Redacting is idempotent: a value the http instrumentation already redacted stays.
 */
export class QueryRedactionSpanProcessor implements SpanProcessor {
  private readonly keep: ReadonlySet<string>;

  constructor(keepQueryParams: readonly string[]) {
    this.keep = new Set(keepQueryParams);
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnding(span: Span): void {
    const attributes = span.attributes;
    for (const key of URL_ATTRIBUTE_KEYS) {
      const value = attributes[key];
      if (typeof value !== 'string') continue;
      const redacted = key === 'url.query' ? redactQueryAttribute(value, this.keep) : redactUrl(value, this.keep);
      if (redacted !== value) span.setAttribute(key, redacted);
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The processor for `keepQueryParams`, or none when every query string is to be kept (`['*']`). */
export function queryRedactionProcessor(keepQueryParams: readonly string[]): SpanProcessor | undefined {
  return keepQueryParams.includes(KEEP_ALL_QUERY_PARAMS) ? undefined : new QueryRedactionSpanProcessor(keepQueryParams);
}

/** A URL or a path with the query between `?` and `#` redacted; returned as it is when it has no query. */
export function redactUrl(url: string, keep: ReadonlySet<string>): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const end = url.indexOf('#', start);
  const query = url.slice(start + 1, end < 0 ? undefined : end);
  return `${url.slice(0, start + 1)}${redactQuery(query, keep)}${end < 0 ? '' : url.slice(end)}`;
}

/** `url.query`, with its `?` where the instrumentation wrote one (undici does), without where it did not. */
function redactQueryAttribute(query: string, keep: ReadonlySet<string>): string {
  return query.startsWith('?') ? `?${redactQuery(query.slice(1), keep)}` : redactQuery(query, keep);
}
