import { IncomingMessage } from 'node:http';
import type { Span } from '@opentelemetry/api';
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import type { UndiciInstrumentationConfig } from '@opentelemetry/instrumentation-undici';
import { ATTR_URL_FULL, ATTR_URL_QUERY } from '@opentelemetry/semantic-conventions';

/** What replaces a redacted query value, as in the semantic conventions and instrumentation-http. */
export const REDACTED = 'REDACTED';

/** `keepQueryParams` value that keeps every query string as the instrumentation records it. */
export const KEEP_ALL_QUERY_PARAMS = '*';

/**
 * The query string (without `?`) with the value of every parameter not named in `keep` replaced by
 * `REDACTED`. A part without `=` (`?eyJhbGciOi…`) is often a token itself and is replaced as a whole.
 * Names of `name=value` pairs stay, so that a trace still shows which parameters were sent.
 */
export function redactQuery(query: string, keep: ReadonlySet<string>): string {
  if (query === '') return query;
  return query
    .split('&')
    .map((part) => {
      const equals = part.indexOf('=');
      if (equals < 0) return part === '' ? part : REDACTED;
      const name = part.slice(0, equals);
      return keep.has(decodeName(name)) ? part : `${name}=${REDACTED}`;
    })
    .join('&');
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/**
 * The part of the http instrumentation's options that redacts query strings: `url.query` on server spans
 * and the query part of `url.full` on client spans (a token in a URL the service calls is as secret as one
 * it receives). Empty when `keepQueryParams` is `['*']`.
 */
export function queryRedaction(keepQueryParams: readonly string[]): Pick<HttpInstrumentationConfig, 'requestHook'> {
  if (keepQueryParams.includes(KEEP_ALL_QUERY_PARAMS)) return {};
  const keep = new Set(keepQueryParams);
  return {
    requestHook: (span, request) => {
      if (request instanceof IncomingMessage) {
        const url = request.url ?? '';
        const start = url.indexOf('?');
        if (start >= 0) span.setAttribute(ATTR_URL_QUERY, redactQuery(url.slice(start + 1), keep));
        return;
      }
      redactFullUrl(span, keep);
    },
  };
}

/** The same for the `fetch()` (undici) instrumentation, whose client spans carry the query in `url.full` and `url.query`. */
export function fetchQueryRedaction(
  keepQueryParams: readonly string[],
): Pick<UndiciInstrumentationConfig, 'requestHook'> {
  if (keepQueryParams.includes(KEEP_ALL_QUERY_PARAMS)) return {};
  const keep = new Set(keepQueryParams);
  return { requestHook: (span) => redactFullUrl(span, keep) };
}

/** `url.full` and, where the instrumentation sets it on a client span (undici does, with its `?`), `url.query`. */
function redactFullUrl(span: Span, keep: ReadonlySet<string>): void {
  const query = attributeOf(span, ATTR_URL_QUERY);
  if (query !== undefined) {
    const mark = query.startsWith('?') ? '?' : '';
    span.setAttribute(ATTR_URL_QUERY, `${mark}${redactQuery(query.slice(mark.length), keep)}`);
  }
  const full = attributeOf(span, ATTR_URL_FULL);
  const start = full?.indexOf('?') ?? -1;
  if (full !== undefined && start >= 0) {
    const end = full.indexOf('#', start);
    const query = full.slice(start + 1, end < 0 ? undefined : end);
    span.setAttribute(
      ATTR_URL_FULL,
      `${full.slice(0, start + 1)}${redactQuery(query, keep)}${end < 0 ? '' : full.slice(end)}`,
    );
  }
}

/** A string attribute of an SDK span (a `ReadableSpan`); `undefined` for any other span. */
function attributeOf(span: Span, key: string): string | undefined {
  const value = (span as Partial<{ attributes: Record<string, unknown> }>).attributes?.[key];
  return typeof value === 'string' ? value : undefined;
}
