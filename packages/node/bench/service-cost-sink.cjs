// The OTLP/HTTP receiver of service-cost.mjs, in a process of its own: answers 200 to everything and
// counts the spans it receives by request path (one path per service), without decoding them fully.
'use strict';
const { createServer } = require('node:http');

const spans = new Map();

/** Reads a protobuf varint at `offset`; returns [value, next offset]. */
function varint(buffer, offset) {
  let value = 0;
  let shift = 1;
  for (;;) {
    const byte = buffer[offset++];
    value += (byte & 0x7f) * shift;
    if (byte < 0x80) return [value, offset];
    shift *= 128;
  }
}

/** The length-delimited fields numbered `field` of the message in buffer[start, end). */
function* fields(buffer, start, end, field) {
  let offset = start;
  while (offset < end) {
    let key;
    [key, offset] = varint(buffer, offset);
    const wire = key & 7;
    if (wire === 0) [, offset] = varint(buffer, offset);
    else if (wire === 1) offset += 8;
    else if (wire === 5) offset += 4;
    else if (wire === 2) {
      let length;
      [length, offset] = varint(buffer, offset);
      if (key >>> 3 === field) yield [offset, offset + length];
      offset += length;
    } else throw new Error(`wire type ${wire}`);
  }
}

/** Spans in an ExportTraceServiceRequest: resource_spans (1) → scope_spans (2) → spans (2). */
function countProtobuf(buffer) {
  let count = 0;
  for (const [rs, re] of fields(buffer, 0, buffer.length, 1))
    for (const [ss, se] of fields(buffer, rs, re, 2)) for (const _ of fields(buffer, ss, se, 2)) count++;
  return count;
}

function countJson(text) {
  let count = 0;
  for (const resource of JSON.parse(text).resourceSpans ?? [])
    for (const scope of resource.scopeSpans ?? []) count += scope.spans?.length ?? 0;
  return count;
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    const json = String(request.headers['content-type']).includes('json');
    const count = json ? countJson(body.toString('utf8')) : countProtobuf(body);
    spans.set(request.url, (spans.get(request.url) ?? 0) + count);
    response.writeHead(200, { 'content-type': request.headers['content-type'] ?? 'application/json' });
    response.end(json ? '{}' : '');
  });
});

process.on('message', (message) => {
  if (message === 'counts') process.send({ counts: Object.fromEntries(spans) });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
