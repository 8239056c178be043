import { context, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, MetricReader, type SumMetricData } from '@opentelemetry/sdk-metrics';
import { AlwaysOnSampler, BasicTracerProvider, type Sampler } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver, type ReceiverMode } from '../../../test/support/otlp-receiver';
import { InThreadChannel } from '../src/traces/span-export-channel';
import { SpanExportHealth } from '../src/traces/span-export-health';
import { WorkerSpanProcessor } from '../src/traces/worker-span-processor';

// The processor with the exporter on the thread of the test (the export thread runs from the build, in the
// tests of test/), sending to the OTLP receiver of the cross-package tests.
let receiver: OtlpReceiver | undefined;
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
  receiver = await startOtlpReceiver({ mode });
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
    });
    expect(received!.endTimeUnixNano).toBeGreaterThan(received!.startTimeUnixNano);
    expect(await counters()).toEqual({
      'otel.sdk.processor.span.processed{}': 1,
      'otel.sdk.exporter.span.exported{}': 1,
    });
  });

  it('leaves unsampled spans out', async () => {
    const { processor, tracer } = await setup('normal', {
      sampler: { shouldSample: () => ({ decision: 1 }), toString: () => 'record-only' },
    });
    tracer.startSpan('recorded, not sampled').end();
    await processor.forceFlush();
    expect(receiver!.requests()).toEqual([]);
  });

  it('holds maxQueueSize spans while batches are out, and counts the rest as dropped, queue full', async () => {
    const { processor, tracer, health } = await setup('hang', { maxQueueSize: 10, batch: 5, timeoutMs: 60_000 });
    for (let i = 0; i < 30; i++) tracer.startSpan(`span ${i}`).end();
    expect(health.totals()).toMatchObject({ queueFull: 20, processed: 0 });
    // Two batches leave for the collector, which never answers: the queue takes 10 more, no more.
    await receiver!.waitForRequests('/v1/traces', 2);
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
});
