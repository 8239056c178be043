import { context, type HrTime, type Link, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { spanBatchEncoder } from '../src/traces/otlp-encoding/span-batch-encoder';

// The encoders write the request bodies of the SDK's serializers themselves: both are compared byte for
// byte with JsonTraceSerializer and ProtobufTraceSerializer of @opentelemetry/otlp-transformer, on spans
// made by the SDK and on spans written by hand with what the SDK would not let through (any attribute
// value, odd timestamps).

const encoders = [
  { name: 'http/json', encoder: () => spanBatchEncoder('http/json'), sdk: JsonTraceSerializer },
  { name: 'http/protobuf', encoder: () => spanBatchEncoder('http/protobuf'), sdk: ProtobufTraceSerializer },
] as const;

/** Spans made by the SDK: several tracers, remote and local parents, events, links, statuses, trace states. */
function sdkSpans(): ReadableSpan[] {
  const ended: ReadableSpan[] = [];
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'encoder-test', 'process.pid': 4242, 'host.arch': 'x64' }),
    spanProcessors: [
      {
        onStart: () => {},
        onEnd: (span) => void ended.push(span),
        forceFlush: () => Promise.resolve(),
        shutdown: () => Promise.resolve(),
      },
    ],
  });
  const http = provider.getTracer('@opentelemetry/instrumentation-http', '0.223.0');
  const model = provider.getTracer('@modelsight/core');
  const versioned = provider.getTracer('with-schema', '1.0.0', {
    schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
  });
  const remote = trace.setSpanContext(context.active(), {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState('vendor=value,other=1'),
  });
  for (let i = 0; i < 300; i++) {
    const server = http.startSpan(
      'POST /predict',
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': 'POST',
          'url.path': `/predict/${i}`,
          'server.port': 8080,
          'network.peer.port': 40000 + i,
          'user_agent.original': i % 7 === 0 ? 'Ünïcödé 🚀 "quoted" \\ back\nline' : 'autocannon',
          'ml.scores': [0.25, 0.5, 0.125 * i],
          'ml.labels': ['a', 'b', ''],
          'ml.flags': [true, false],
        },
      },
      i % 3 === 0 ? remote : context.active(),
    );
    const predict = model.startSpan(
      `predict model-${i % 4}`,
      { attributes: { 'ml.prediction.id': `p-${i}`, 'ml.prediction.confidence': i / 300 } },
      trace.setSpan(context.active(), server),
    );
    if (i % 5 === 0) predict.addEvent('retry', { attempt: i, reason: 'timeout' });
    if (i % 11 === 0) predict.addEvent('bare event');
    if (i % 13 === 0) predict.setStatus({ code: SpanStatusCode.ERROR, message: `failed ${i}` });
    if (i % 17 === 0) predict.setStatus({ code: SpanStatusCode.OK });
    predict.end();
    server.setAttribute('http.response.status_code', i % 9 === 0 ? 500 : 200);
    server.end();
    if (i % 10 === 0) {
      const linked = versioned.startSpan('batch', {
        links: [
          { context: server.spanContext(), attributes: { 'link.kind': 'follows' } },
          { context: trace.getSpanContext(remote) as Link['context'] },
        ],
      });
      linked.end();
    }
  }
  return ended;
}

const resource = resourceFromAttributes({ 'service.name': 'hand-made', 'deployment.environment.name': 'test' });
const scope = { name: 'hand-made-scope', version: '2.0.0', schemaUrl: '' };

/** A span as the exporter reads it, with any attribute values and times. */
function handMadeSpan(attributes: Record<string, unknown>, times: { start: HrTime; end: HrTime }): ReadableSpan {
  const spanContext = { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', traceFlags: 0 };
  return {
    name: 'hand-made',
    kind: SpanKind.CLIENT,
    spanContext: () => spanContext,
    parentSpanContext: { ...spanContext, spanId: 'eee19b7ec3c1b173', isRemote: false },
    startTime: times.start,
    endTime: times.end,
    status: { code: SpanStatusCode.ERROR, message: '' },
    attributes: attributes as ReadableSpan['attributes'],
    links: [],
    events: [{ name: 'e', time: times.start, attributes: { nested: [1, [2, 3]] } as never, droppedAttributesCount: 3 }],
    duration: [0, 0],
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 2,
    droppedEventsCount: 1,
    droppedLinksCount: 0,
  };
}

const oddValues: Record<string, unknown> = {
  zero: 0,
  negativeZero: -0,
  negative: -1,
  int32: 2 ** 31,
  uint32: 2 ** 32,
  past53: 2 ** 60,
  minInt64: -(2 ** 63),
  maxInt64Plus: 2 ** 63,
  huge: 1e300,
  tiny: 5e-324,
  half: -0.5,
  nan: Number.NaN,
  infinity: Number.POSITIVE_INFINITY,
  negativeInfinity: Number.NEGATIVE_INFINITY,
  loneSurrogate: 'a\ud800b',
  control: '\u0000\u001f\u007f',
  long: 'x'.repeat(200),
  longer: 'é'.repeat(9000),
  emptyKey: '',
  '': 'empty key',
  ключ: 'значение',
  bytes: new Uint8Array([0, 1, 254, 255]),
  list: ['a', 1, 1.5, true, null, undefined, [2]],
  empty: [],
  kvlist: { inner: 'v', deeper: { n: 3 } },
  nothing: null,
  notSet: undefined,
  big: 10n,
};

const timeCases: { start: HrTime; end: HrTime }[] = [
  { start: [1_733_000_000, 123_456_789], end: [1_733_000_001, 0] },
  { start: [0, 5], end: [1, 999_999_999] },
  { start: [4_294_967_296, 1], end: [18_000_000_000, 7] },
  { start: [1.7, 2.9], end: [5, 1_500_000_000] },
];

/** Where two bodies first differ, with the bytes around it; `undefined` when they are equal. */
function firstDifference(ours: Uint8Array, theirs: Uint8Array): string | undefined {
  if (Buffer.compare(ours, theirs) === 0) return undefined;
  let at = 0;
  while (at < ours.length && ours[at] === theirs[at]) at++;
  const around = (body: Uint8Array) => Buffer.from(body.subarray(Math.max(0, at - 40), at + 40)).toString('latin1');
  return `lengths ${ours.length} and ${theirs.length}, first difference at byte ${at}: ours …${around(ours)}… the SDK's …${around(theirs)}…`;
}

describe.each(encoders)('$name encoder', ({ encoder, sdk }) => {
  const same = (spans: ReadableSpan[], ours = encoder()) =>
    expect(firstDifference(ours.encode(spans), sdk.serializeRequest(spans) as Uint8Array)).toBeUndefined();

  it("writes the SDK's request byte for byte for spans made by the SDK", () => {
    const spans = sdkSpans();
    expect(spans.length).toBeGreaterThan(600);
    same(spans);
  });

  it('writes every attribute value and timestamp as the SDK does', () => {
    for (const times of timeCases) same([handMadeSpan(oddValues, times), handMadeSpan({}, times)]);
  });

  it('writes lengths of every size: a span over 2 MB among small ones', () => {
    const times = timeCases[0] as { start: HrTime; end: HrTime };
    same([handMadeSpan({ a: 1 }, times), handMadeSpan({ big: 'y'.repeat(3_000_000) }, times), ...sdkSpans()]);
  });

  it('gives the same bodies batch after batch, with what it remembers of keys, scopes and resources', () => {
    const ours = encoder();
    const spans = sdkSpans();
    for (const batch of [spans.slice(0, 50), spans.slice(50, 400), spans.slice(0, 50), spans]) same(batch, ours);
  });

  it('writes a resource whose attributes are still being detected as it is at each batch', () => {
    const ours = encoder();
    const attributes: Record<string, string> = { 'service.name': 'before' };
    const pending = {
      get attributes() {
        return attributes;
      },
      asyncAttributesPending: true,
    } as unknown as Resource;
    const times = timeCases[0] as { start: HrTime; end: HrTime };
    const span = { ...handMadeSpan({ a: 1 }, times), resource: pending };
    same([span], ours);
    attributes['host.name'] = 'detected';
    same([span], ours);
    const decoded = Buffer.from(ours.encode([span])).toString('latin1');
    expect(decoded).toContain('detected');
  });

  it('leaves a batch as it was when a span cannot be encoded, and goes on with the next spans', () => {
    const spans = sdkSpans().slice(0, 40);
    // Spans read through the prototype chain, but for an attributes getter that throws.
    const broken: ReadableSpan = Object.create(spans[3] as ReadableSpan, {
      attributes: {
        get() {
          throw new Error('unreadable attributes');
        },
      },
    });
    const ownScope: ReadableSpan = Object.create(broken, {
      instrumentationScope: { value: { name: 'only-the-broken-span' } },
    });
    const batch = encoder().newBatch();
    for (const [i, span] of spans.entries()) {
      batch.add(span);
      if (i === 5) expect(() => batch.add(broken)).toThrow('unreadable attributes');
      if (i === 9) expect(() => batch.add(ownScope)).toThrow('unreadable attributes');
    }
    expect(batch.size).toBe(spans.length);
    expect(firstDifference(batch.finish(), sdk.serializeRequest(spans) as Uint8Array)).toBeUndefined();
  });

  it('returns an array with a buffer of its own, which later batches do not touch', () => {
    const ours = encoder();
    const spans = sdkSpans();
    const first = ours.encode(spans.slice(0, 10));
    const copy = Buffer.from(first);
    ours.encode(spans.slice(10, 200));
    expect(first.byteOffset).toBe(0);
    expect(first.buffer.byteLength).toBeLessThan(2 * first.length + 64 * 1024);
    expect(Buffer.from(first)).toEqual(copy);
  });
});
