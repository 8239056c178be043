import type { IncomingMessage } from 'node:http';
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import { redactQuery } from './http-redaction';

// The attributes of an HTTP server span, as the semantic conventions name them
// (https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-server) and as
// @opentelemetry/instrumentation-http sets them, so that queries on its spans keep working.

// RFC 9110 methods, PATCH (RFC 5789) and QUERY; any other is `_OTHER`, the original kept beside it.
const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
  'QUERY',
]);

/** The method as the conventions want it in `http.request.method`: a known method upper-cased, or `_OTHER`. */
export function normalizeMethod(method: string | undefined): string {
  if (method === undefined) return 'GET';
  if (KNOWN_METHODS.has(method)) return method;
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : '_OTHER';
}

/**
 * The attributes known when a request arrives. `keep` is the set of query parameters whose values are
 * kept in `url.query` (the others are `REDACTED`), `undefined` to keep the query as it came.
 */
export function requestAttributes(
  request: IncomingMessage,
  scheme: string,
  method: string,
  keep: ReadonlySet<string> | undefined,
): Attributes {
  const { headers, socket } = request;
  const url = request.url ?? '/';
  const queryStart = url.indexOf('?');
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_URL_SCHEME]: scheme,
    [ATTR_URL_PATH]: queryStart < 0 ? url : url.slice(0, queryStart),
    [ATTR_NETWORK_PEER_ADDRESS]: socket?.remoteAddress,
    [ATTR_NETWORK_PEER_PORT]: socket?.remotePort,
    [ATTR_NETWORK_PROTOCOL_VERSION]: request.httpVersion,
    [ATTR_USER_AGENT_ORIGINAL]: headers['user-agent'],
  };
  if (queryStart >= 0 && queryStart < url.length - 1) {
    const query = url.slice(queryStart + 1);
    attributes[ATTR_URL_QUERY] = keep ? redactQuery(query, keep) : query;
  }
  if (method !== request.method && request.method !== undefined) {
    attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = request.method;
  }
  const host = firstValue(headers['x-forwarded-host']) ?? headers.host;
  if (host) {
    const [address, port] = splitHost(host);
    attributes[ATTR_SERVER_ADDRESS] = address;
    if (port !== undefined) attributes[ATTR_SERVER_PORT] = port;
    else if (headers['x-forwarded-host'] === undefined) attributes[ATTR_SERVER_PORT] = scheme === 'https' ? 443 : 80;
  }
  const forwardedFor = firstValue(headers['x-forwarded-for']);
  const client = forwardedFor ? forwardedFor.split(',')[0]!.trim() : socket?.remoteAddress;
  if (client) attributes[ATTR_CLIENT_ADDRESS] = client;
  return attributes;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `example.com:8080` → `['example.com', 8080]`; `[::1]:8080` → `['[::1]', 8080]`; no port → `[host, undefined]`. */
function splitHost(host: string): [string, number | undefined] {
  const colon = host.lastIndexOf(':');
  if (colon < 0 || host.endsWith(']')) return [host, undefined];
  const port = Number(host.slice(colon + 1));
  return Number.isInteger(port) && port > 0 ? [host.slice(0, colon), port] : [host, undefined];
}
