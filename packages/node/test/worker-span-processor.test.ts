import { captureDiag } from '@modelsight/test-support';
import { context, diag, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, MetricReader, type SumMetricData } from '@opentelemetry/sdk-metrics';
import { AlwaysOnSampler, BasicTracerProvider, type ReadableSpan, type Sampler } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InThreadChannel } from '../src/traces/span-export-channel';
import { SpanExportHealth } from '../src/traces/span-export-health';
import { WorkerSpanProcessor } from '../src/traces/worker-span-processor';

// The processor with the real OTLP/HTTP exporter on the thread of the test (the export thread runs from the
// build: the tests of test/ use it), sending to a receiver on loopback that decodes OTLP/JSON.
type ReceiverMode = 'normal' | 'hang' | 'error';
type Value = string | number | boolean | Value[] | undefined;

interface Received {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, Value>;
  status: { code?: number; message?: string };
  events: { name: string; attributes: Record<string, Value> }[];
  links: { traceId: string; spanId: string }[];
  traceState: string | undefined;
  resource: Record<string, Value>;
  scope: { name: string; version?: string };
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
type OtlpAttributes = { key: string; value: OtlpValue }[] | undefined;

const otlpValue = (v: OtlpValue): Value =>
  v.stringValue ??
  (v.intValue !== undefined ? Number(v.intValue) : undefined) ??
  v.doubleValue ??
  v.boolValue ??
  v.arrayValue?.values?.map(otlpValue);
const attributesOf = (list: OtlpAttributes) =>
  Object.fromEntries((list ?? []).map(({ key, value }) => [key, otlpValue(value)]));

/** An OTLP/HTTP receiver: answers 200 (normal), 500 (error) or never (hang); records the requests and decoded spans. */
async function startReceiver(mode: ReceiverMode) {
  const spans: Received[] = [];
  let requests = 0;
  const waiting = new Set<() => void>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests += 1;
      for (const wake of waiting) wake();
      if (mode === 'hang') return;
      if (mode === 'error') return void response.writeHead(500).end('{}');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rs of body.resourceSpans) {
        for (const ss of rs.scopeSpans) {
          for (const span of ss.spans) {
            spans.push({
              ...span,
              parentSpanId: span.parentSpanId ?? '',
              startTimeUnixNano: BigInt(span.startTimeUnixNano),
              endTimeUnixNano: BigInt(span.endTimeUnixNano),
              attributes: attributesOf(span.attributes),
              events: (span.events ?? []).map((e: { name: string; attributes: OtlpAttributes }) => ({
                name: e.name,
                attributes: attributesOf(e.attributes),
              })),
              resource: attributesOf(rs.resource.attributes),
              scope: ss.scope,
            });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans: () => spans,
    requests: () => requests,
    waitForRequests: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (requests < count) return;
          waiting.delete(check);
          resolve();
        };
        waiting.add(check);
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

async function setup(
  mode: ReceiverMode,
  options: { maxQueueSize?: number; batch?: number; sampler?: Sampler; timeoutMs?: number } = {},
) {
  receiver = await startReceiver(mode);
  const url = `${receiver.url}/v1/traces`;
  const health = new SpanExportHealth({ exporterType: 'otlp_http_json_span_exporter', url, reportIntervalMs: 60_000 });
  const processor = new WorkerSpanProcessor(
    new InThreadChannel({
      url,
      protocol: 'http/json',
      requestTimeoutMs: options.timeoutMs ?? 10_000,
      batchTimeoutMs: options.timeoutMs ?? 30_000,
    }),
    {
      maxQueueSize: options.maxQueueSize ?? 100,
      maxExportBatchSize: options.batch ?? 50,
      scheduledDelayMs: 60_000,
      endpoint: url,
    },
    health,
  );
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'unit' }),
    spanProcessors: [processor],
    sampler: options.sampler ?? new AlwaysOnSampler(),
  });
  const reader = new CollectingReader();
  health.observeOn(new MeterProvider({ readers: [reader] }).getMeter('@modelsight/node'));
  const counters = async () => {
    const { resourceMetrics } = await reader.collect();
    const series: Record<string, number> = {};
    for (const metric of resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics) as SumMetricData[]) {
      for (const point of metric.dataPoints) {
        series[`${metric.descriptor.name}{${String(point.attributes['error.type'] ?? '')}}`] = point.value;
      }
    }
    return series;
  };
  return { processor, health, tracer: provider.getTracer('unit-scope', '1.2.3'), counters };
}

describe('WorkerSpanProcessor', () => {
  it('exports what the span holds: ids, parent, kind, times, attributes, events, links, status, trace state, scope, resource', async () => {
    const { processor, tracer, counters } = await setup('normal');
    const state = new TraceState('vendor=value');
    const parentContext = trace.setSpanContext(context.active(), {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      traceState: state,
      isRemote: true,
    });
    const span = tracer.startSpan(
      'POST /predict',
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.route': '/predict', 'server.port': 8080, ok: true, list: ['a', 'b'] },
        links: [{ context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }, attributes: { l: 1 } }],
      },
      parentContext,
    );
    span.addEvent('exception', { 'exception.message': 'boom' });
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
    span.end();
    await processor.forceFlush();

    const [received] = receiver!.spans();
    expect(received).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: span.spanContext().spanId,
      parentSpanId: 'b7ad6b7169203331',
      name: 'POST /predict',
      kind: 2,
      attributes: { 'http.route': '/predict', 'server.port': 8080, ok: true, list: ['a', 'b'] },
      status: { code: 2, message: 'failed' },
      events: [{ name: 'exception', attributes: { 'exception.message': 'boom' } }],
      resource: { 'service.name': 'unit' },
      scope: { name: 'unit-scope', version: '1.2.3' },
      traceState: 'vendor=value',
      links: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }],
    });
    expect(received!.endTimeUnixNano).toBeGreaterThan(received!.startTimeUnixNano);
    expect(await counters()).toEqual({
      'otel.sdk.processor.span.processed{}': 1,
      'otel.sdk.exporter.span.exported{}': 1,
    });
  });

  it('drops a span it cannot encode, counts it as not exported, says so once, and exports the others', async () => {
    const { processor, tracer, counters } = await setup('normal');
    const { warnings } = captureDiag();
    try {
      const spans: ReadableSpan[] = [];
      for (let i = 0; i < 3; i++) {
        const span = tracer.startSpan(`span ${i}`);
        span.end();
        spans.push(span as unknown as ReadableSpan);
      }
      // Read through the prototype chain, but for attributes that cannot be read.
      const unreadable = (span: ReadableSpan): ReadableSpan =>
        Object.create(span, {
          attributes: {
            get() {
              throw new Error('attributes cannot be read');
            },
          },
        });
      processor.onEnd(unreadable(spans[0] as ReadableSpan));
      processor.onEnd(unreadable(spans[1] as ReadableSpan));
      await processor.forceFlush();
      expect(receiver!.spans().map((span) => span.name)).toEqual(['span 0', 'span 1', 'span 2']);
      expect(await counters()).toEqual({
        'otel.sdk.processor.span.processed{}': 5,
        'otel.sdk.exporter.span.exported{}': 3,
        'otel.sdk.exporter.span.exported{encoding_failed}': 2,
      });
      expect(warnings.filter((line) => line.includes('attributes cannot be read'))).toHaveLength(1);
    } finally {
      diag.disable();
    }
  });

  it('leaves unsampled spans out', async () => {
    const { processor, tracer } = await setup('normal', {
      sampler: { shouldSample: () => ({ decision: 1 }), toString: () => 'record-only' },
    });
    tracer.startSpan('recorded, not sampled').end();
    await processor.forceFlush();
    expect(receiver!.requests()).toBe(0);
  });

  it('holds maxQueueSize spans while batches are out, and counts the rest as dropped, queue full', async () => {
    const { processor, tracer, health } = await setup('hang', { maxQueueSize: 10, batch: 5, timeoutMs: 60_000 });
    for (let i = 0; i < 30; i++) tracer.startSpan(`span ${i}`).end();
    expect(health.totals()).toMatchObject({ queueFull: 20, processed: 0 });
    // Two batches leave for the collector, which never answers: the queue takes 10 more, no more.
    await receiver!.waitForRequests(2);
    for (let i = 0; i < 15; i++) tracer.startSpan(`late ${i}`).end();
    expect(health.totals()).toMatchObject({ queueFull: 25, processed: 10 });
    expect(processor.unfinished()).toBe(20);
  });

  it('counts the spans the collector refuses, by its status code', async () => {
    const { processor, tracer, counters } = await setup('error');
    for (let i = 0; i < 7; i++) tracer.startSpan(`span ${i}`).end();
    await processor.forceFlush();
    expect(await counters()).toEqual({
      'otel.sdk.processor.span.processed{}': 7,
      'otel.sdk.exporter.span.exported{}': 0,
      'otel.sdk.exporter.span.exported{500}': 7,
    });
  });

  it('does not send the queue at shutdown to a collector that just failed, and counts it as failed', async () => {
    const { processor, tracer, counters } = await setup('error');
    for (let i = 0; i < 7; i++) tracer.startSpan(`span ${i}`).end();
    await processor.forceFlush();
    for (let i = 0; i < 5; i++) tracer.startSpan(`queued ${i}`).end();
    processor.endBy(Date.now() + 1000);
    await processor.shutdown();
    expect(receiver!.requests()).toBe(1);
    expect(await counters()).toEqual({
      'otel.sdk.processor.span.processed{}': 12,
      'otel.sdk.exporter.span.exported{}': 0,
      'otel.sdk.exporter.span.exported{500}': 12,
    });
  });
});
