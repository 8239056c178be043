import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';

/**
 * An OTLP/HTTP receiver on loopback for tests: accepts what the real OpenTelemetry exporters send and
 * decodes trace payloads per the OTLP/JSON encoding
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): resourceSpans → scopeSpans → spans,
 * IDs as hex strings, attributes as `{ key, value: { stringValue | intValue | doubleValue | boolValue |
 * arrayValue | kvlistValue | bytesValue } }`, 64-bit integers possibly as strings.
 */

/** How the receiver treats requests. */
export type ReceiverMode =
  /** Answers 200 and records the payload. */
  | 'normal'
  /** Closes each connection as soon as it is accepted. */
  | 'refuse'
  /** Reads the request and never answers. */
  | 'hang'
  /** Reads the request and answers 500 (a collector failing; not retryable in OTLP/HTTP). */
  | 'error';

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

/** One decoded span, with its resource and scope. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty string for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, AttributeValue>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  events: { name: string; attributes: Record<string, AttributeValue> }[];
  resource: Record<string, AttributeValue>;
  scope: { name: string; version?: string };
}

/** One metric data point, decoded from an `ExportMetricsServiceRequest` in OTLP/JSON. */
export interface ReceivedDataPoint {
  /** Metric name as the SDK sends it (before any Prometheus renaming). */
  name: string;
  type: 'sum' | 'gauge' | 'histogram' | 'exponentialHistogram';
  attributes: Record<string, AttributeValue>;
  /** The value of a sum or gauge; the count of a histogram. */
  value: number;
  /** The bounds of an explicit-bucket histogram. */
  explicitBounds?: number[];
  /** The buckets of an exponential histogram. */
  exponential?: { scale: number; zeroCount: number; offset: number; bucketCounts: number[] };
  /** The smallest and largest value recorded, of a histogram of either kind that sends them. */
  min?: number;
  max?: number;
}

/** One request as received, whatever was done with it. */
export interface ReceivedRequest {
  path: string;
  contentType: string;
  bytes: number;
  /** Spans in the payload of a `/v1/traces` request, also when it was left unanswered. */
  spans: number;
  answered: boolean;
}

export interface OtlpReceiver {
  /** Base URL for `OTEL_EXPORTER_OTLP_ENDPOINT`, e.g. `http://127.0.0.1:43123`. */
  readonly url: string;
  readonly port: number;
  /** Every span decoded so far, in arrival order. */
  spans(): ReceivedSpan[];
  /** Every metric data point decoded so far, in arrival order (each export repeats cumulative totals). */
  dataPoints(): ReceivedDataPoint[];
  /** Every request received so far (including refused-to-answer ones in `hang` mode). */
  requests(): ReceivedRequest[];
  /** Connections accepted so far (in `refuse` mode, each one was closed at once). */
  connections(): number;
  /** Payloads that could not be decoded, with the reason. */
  errors(): string[];
  setMode(mode: ReceiverMode): void;
  /** Resolves with the spans once `predicate(spans)` holds; rejects after `timeoutMs` with what arrived. */
  waitForSpans(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  /** Resolves once `count` requests arrived on `path` (any mode). */
  waitForRequests(path: string, count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface StartOtlpReceiverOptions {
  mode?: ReceiverMode;
  /** Port to listen on; a free one by default. */
  port?: number;
}

const PATHS = new Set(['/v1/traces', '/v1/metrics', '/v1/logs']);

export async function startOtlpReceiver(options: StartOtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  let mode: ReceiverMode = options.mode ?? 'normal';
  const spans: ReceivedSpan[] = [];
  const points: ReceivedDataPoint[] = [];
  const requests: ReceivedRequest[] = [];
  const errors: string[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const changed = new Set<() => void>();
  const notify = () => {
    for (const listener of changed) listener();
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      const contentType = String(request.headers['content-type'] ?? '');
      const body = Buffer.concat(chunks);
      const record: ReceivedRequest = { path, contentType, bytes: body.length, spans: 0, answered: false };
      requests.push(record);
      let decoded: { spans: ReceivedSpan[]; points: ReceivedDataPoint[] } | undefined;
      let failure: string | undefined;
      try {
        decoded = decode(path, contentType, request.headers['content-encoding'], body);
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
      record.spans = decoded?.spans.length ?? 0;
      if (mode === 'hang') {
        notify();
        return; // never answered; the socket is destroyed on close()
      }
      if (mode === 'error') {
        response.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"collector failure"}');
        notify();
      } else if (request.method !== 'POST' || !PATHS.has(path)) {
        response.writeHead(404).end();
      } else if (failure !== undefined) {
        errors.push(failure);
        response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: failure }));
      } else {
        spans.push(...(decoded?.spans ?? []));
        points.push(...(decoded?.points ?? []));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      }
      record.answered = true;
      notify();
    });
  });
  server.on('connection', (socket: Socket) => {
    connections += 1;
    if (mode === 'refuse') {
      socket.destroy();
      notify();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const waitUntil = (check: () => boolean, timeoutMs: number, describe: () => string) =>
    new Promise<void>((resolve, reject) => {
      if (check()) return resolve();
      const listener = () => {
        if (check()) {
          clearTimeout(timer);
          changed.delete(listener);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        changed.delete(listener);
        reject(new Error(`timed out after ${timeoutMs} ms: ${describe()}`));
      }, timeoutMs);
      changed.add(listener);
    });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    spans: () => [...spans],
    dataPoints: () => [...points],
    requests: () => [...requests],
    connections: () => connections,
    errors: () => [...errors],
    setMode: (next) => {
      mode = next;
    },
    waitForSpans: async (predicate, timeoutMs = 15_000) => {
      await waitUntil(
        () => predicate(spans),
        timeoutMs,
        () =>
          `${spans.length} spans received: ${spans.map((span) => span.name).join(', ')}; decode errors: ${errors.join('; ')}`,
      );
      return [...spans];
    },
    waitForRequests: (path, count, timeoutMs = 15_000) =>
      waitUntil(
        () => requests.filter((request) => request.path === path).length >= count,
        timeoutMs,
        () => `${requests.length} requests received`,
      ),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Decodes the payload of a request to `/v1/traces` or `/v1/metrics`; nothing for other paths. */
function decode(
  path: string,
  contentType: string,
  encoding: string | string[] | undefined,
  raw: Buffer,
): { spans: ReceivedSpan[]; points: ReceivedDataPoint[] } {
  if (path !== '/v1/traces' && path !== '/v1/metrics') return { spans: [], points: [] };
  if (!contentType.startsWith('application/json')) {
    throw new Error(`unsupported content-type ${contentType}: this receiver decodes OTLP/JSON`);
  }
  const payload: unknown = JSON.parse((encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'));
  return path === '/v1/traces'
    ? { spans: decodeTraces(payload), points: [] }
    : { spans: [], points: decodeMetrics(payload) };
}

/** Decodes the sums, gauges and (exponential) histograms of an `ExportMetricsServiceRequest` in OTLP/JSON. */
export function decodeMetrics(payload: unknown): ReceivedDataPoint[] {
  const out: ReceivedDataPoint[] = [];
  const request = payload as { resourceMetrics?: unknown[] };
  if (!Array.isArray(request.resourceMetrics))
    throw new Error('not an ExportMetricsServiceRequest: no resourceMetrics');
  type Point = {
    attributes?: OtlpKeyValue[];
    asInt?: string | number;
    asDouble?: number | string;
    count?: string | number;
    explicitBounds?: (number | string)[];
    min?: number | string;
    max?: number | string;
    scale?: number;
    zeroCount?: string | number;
    positive?: { offset?: number; bucketCounts?: (string | number)[] };
  };
  type Metric = { name: string } & Partial<Record<ReceivedDataPoint['type'], { dataPoints?: Point[] }>>;
  for (const resourceMetrics of request.resourceMetrics as { scopeMetrics?: { metrics?: Metric[] }[] }[]) {
    for (const scopeMetrics of resourceMetrics.scopeMetrics ?? []) {
      for (const metric of scopeMetrics.metrics ?? []) {
        for (const type of ['sum', 'gauge', 'histogram', 'exponentialHistogram'] as const) {
          for (const point of metric[type]?.dataPoints ?? []) {
            const value = type === 'sum' || type === 'gauge' ? (point.asInt ?? point.asDouble) : point.count;
            const received: ReceivedDataPoint = {
              name: metric.name,
              type,
              attributes: attributes(point.attributes),
              value: Number(value ?? 0),
            };
            if (type === 'histogram') received.explicitBounds = (point.explicitBounds ?? []).map(Number);
            if (point.min !== undefined) received.min = Number(point.min);
            if (point.max !== undefined) received.max = Number(point.max);
            if (type === 'exponentialHistogram') {
              received.exponential = {
                scale: Number(point.scale ?? 0),
                zeroCount: Number(point.zeroCount ?? 0),
                offset: Number(point.positive?.offset ?? 0),
                bucketCounts: (point.positive?.bucketCounts ?? []).map(Number),
              };
            }
            out.push(received);
          }
        }
      }
    }
  }
  return out;
}

interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  bytesValue?: string;
}

/** Decodes an `ExportTraceServiceRequest` in OTLP/JSON. */
export function decodeTraces(payload: unknown): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  const request = payload as { resourceSpans?: unknown[] };
  if (!Array.isArray(request.resourceSpans)) throw new Error('not an ExportTraceServiceRequest: no resourceSpans');
  for (const resourceSpans of request.resourceSpans as {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { scope?: { name?: string; version?: string }; spans?: Record<string, unknown>[] }[];
  }[]) {
    const resource = attributes(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const scope = { name: scopeSpans.scope?.name ?? '', version: scopeSpans.scope?.version };
      for (const span of scopeSpans.spans ?? []) {
        out.push({
          traceId: hexId(span['traceId'], 32, 'traceId'),
          spanId: hexId(span['spanId'], 16, 'spanId'),
          parentSpanId: span['parentSpanId'] ? hexId(span['parentSpanId'], 16, 'parentSpanId') : '',
          name: String(span['name']),
          kind: Number(span['kind'] ?? 0),
          startTimeUnixNano: BigInt(String(span['startTimeUnixNano'] ?? 0)),
          endTimeUnixNano: BigInt(String(span['endTimeUnixNano'] ?? 0)),
          attributes: attributes(span['attributes'] as OtlpKeyValue[] | undefined),
          status: {
            code: Number((span['status'] as { code?: number } | undefined)?.code ?? 0),
            message: (span['status'] as { message?: string } | undefined)?.message,
          },
          events: ((span['events'] as { name: string; attributes?: OtlpKeyValue[] }[] | undefined) ?? []).map(
            (event) => ({
              name: event.name,
              attributes: attributes(event.attributes),
            }),
          ),
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

// OTLP/JSON carries trace and span IDs as hex (not base64 as in the generic protobuf JSON mapping).
function hexId(value: unknown, length: number, field: string): string {
  const text = String(value ?? '');
  if (!new RegExp(`^[0-9a-f]{${length}}$`).test(text))
    throw new Error(`${field} is not ${length} lowercase hex digits: ${text}`);
  return text;
}

function attributes(list: OtlpKeyValue[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) out[key] = anyValue(value);
  return out;
}

function anyValue(value: OtlpAnyValue | undefined): AttributeValue {
  if (value === undefined) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(anyValue);
  if (value.kvlistValue !== undefined) return attributes(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return value.bytesValue;
  return null;
}
