import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { shutdownAwareRetries, type ShutdownAwareRetries } from '../src/traces/export-retries';

/** A collector that answers each request with the next of `answers` (the last one repeats), or never. */
async function collector(
  answers: ((response: ServerResponse) => void)[],
): Promise<{ url: string; requests: () => number; server: Server }> {
  let requests = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => answers[Math.min(requests++, answers.length - 1)]!(response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    requests: () => requests,
    server,
  };
}
const ok = (response: ServerResponse) => response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
const unavailable = (retryAfterSeconds: number) => (response: ServerResponse) =>
  response.writeHead(503, { 'retry-after': String(retryAfterSeconds) }).end();
const never = () => undefined;

function oneSpan(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  provider.getTracer('test').startSpan('predict iris-classifier').end();
  return memory.getFinishedSpans();
}

function exportOnce(exporter: OTLPTraceExporter): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(oneSpan(), resolve));
}

let servers: Server[] = [];
afterEach(() => {
  for (const server of servers) server.closeAllConnections(), server.close();
  servers = [];
});

async function exporterTo(answers: ((response: ServerResponse) => void)[], timeoutMillis = 60_000) {
  const target = await collector(answers);
  servers.push(target.server);
  const exporter = new OTLPTraceExporter({ url: target.url, timeoutMillis });
  const retries = shutdownAwareRetries(exporter) as ShutdownAwareRetries;
  return { exporter, retries, requests: target.requests };
}

describe('shutdownAwareRetries', () => {
  it('finds the transport of the OTLP/HTTP trace and metric exporters, JSON and protobuf', () => {
    expect(shutdownAwareRetries(new OTLPTraceExporter())).toBeDefined();
    expect(shutdownAwareRetries(new OTLPProtoTraceExporter())).toBeDefined();
    expect(shutdownAwareRetries(new OTLPMetricExporter())).toBeDefined();
  });

  it('leaves an exporter of another shape as it is', () => {
    expect(shutdownAwareRetries(new InMemorySpanExporter())).toBeUndefined();
  });

  it('retries a retryable answer while the service runs, as the exporter does', async () => {
    const { exporter, requests } = await exporterTo([unavailable(0), ok]);
    expect((await exportOnce(exporter)).code).toBe(ExportResultCode.SUCCESS);
    expect(requests()).toBe(2);
  });

  it('takes a retryable answer as final once shutdown has begun', async () => {
    const { exporter, retries, requests } = await exporterTo([unavailable(0), ok]);
    retries.endBy(Date.now() + 60_000);
    expect((await exportOnce(exporter)).code).toBe(ExportResultCode.FAILED);
    expect(requests()).toBe(1);
    expect(retries.failedSinceShutdown()).toBe(true);
  });

  it('gives up a retry that waits for its turn as soon as shutdown begins', async () => {
    const { exporter, retries, requests } = await exporterTo([unavailable(30), ok]);
    const result = exportOnce(exporter);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => requests() === 1 && (clearInterval(poll), resolve()), 5);
    });
    retries.endBy(Date.now() + 60_000);
    expect((await result).code).toBe(ExportResultCode.FAILED);
    expect(requests()).toBe(1);
  });

  it('ends a request to a collector that never answers by the shutdown deadline, not the export timeout', async () => {
    const { exporter, retries } = await exporterTo([never]);
    retries.endBy(Date.now() + 200);
    expect((await exportOnce(exporter)).code).toBe(ExportResultCode.FAILED);
  });

  it('reports no failure since shutdown when the collector took what was sent', async () => {
    const { exporter, retries } = await exporterTo([ok]);
    retries.endBy(Date.now() + 60_000);
    expect((await exportOnce(exporter)).code).toBe(ExportResultCode.SUCCESS);
    expect(retries.failedSinceShutdown()).toBe(false);
  });
});
