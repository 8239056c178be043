// A small OTLP/HTTP receiver on loopback, so the demo can show the spans the service exported
// when no collector is configured. It decodes the JSON encoding of ExportTraceServiceRequest
// (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): IDs are hex strings,
// 64-bit integers may come as strings.
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** Flattens an OTLP AnyValue. */
function anyValue(value) {
  if (value == null) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('arrayValue' in value) return (value.arrayValue.values ?? []).map(anyValue);
  return undefined;
}

function attributes(list) {
  const out = {};
  for (const { key, value } of list ?? []) out[key] = anyValue(value);
  return out;
}

/** Starts the receiver; `spans` grows as exports arrive. */
export async function startOtlpReceiver() {
  const spans = [];
  let nonJsonRequests = 0;
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      try {
        let body = Buffer.concat(chunks);
        if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const type = request.headers['content-type'] ?? '';
        if (request.url === '/v1/traces' && type.includes('json')) {
          const payload = JSON.parse(body.toString('utf8'));
          for (const resourceSpans of payload.resourceSpans ?? []) {
            const resource = attributes(resourceSpans.resource?.attributes);
            for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
              const scope = scopeSpans.scope?.name;
              for (const span of scopeSpans.spans ?? []) {
                spans.push({
                  traceId: span.traceId,
                  spanId: span.spanId,
                  parentSpanId: span.parentSpanId || undefined,
                  name: span.name,
                  scope,
                  durationMs: (Number(span.endTimeUnixNano) - Number(span.startTimeUnixNano)) / 1e6,
                  attributes: attributes(span.attributes),
                  statusCode: span.status?.code ?? 0,
                  statusMessage: span.status?.message,
                  serviceName: resource['service.name'],
                });
              }
            }
          }
        } else if (request.url === '/v1/traces') {
          nonJsonRequests++;
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{}');
      } catch {
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end('{"message":"could not decode the export request"}');
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    nonJsonRequests: () => nonJsonRequests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
