// Worker thread of exportSpansSync (final-span-export.ts): posts OTLP request bodies serialized by the main
// thread, then wakes it through the shared outcome cell. It uses the OTLP/HTTP transport of
// @opentelemetry/otlp-exporter-base built from the same options and environment variables as the exporter
// of the main thread (endpoint, headers, compression, certificates), without retries.
import { workerData } from 'node:worker_threads';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import { shutdownAwareRetries } from '../traces/export-retries';
import { FINAL_EXPORT, type FinalExportRequest } from './final-export-protocol';

const { url, contentType, timeoutMs, bodies, outcome } = workerData as FinalExportRequest;
const cell = new Int32Array(outcome);

function finish(code: number): void {
  Atomics.store(cell, 0, code);
  Atomics.notify(cell, 0);
}

process.on('uncaughtException', () => finish(FINAL_EXPORT.failed));

try {
  const delegate = createOtlpHttpExportDelegate(
    convertLegacyHttpOptions({ url, timeoutMillis: timeoutMs }, 'TRACES', 'v1/traces', { 'Content-Type': contentType }),
    // The bodies are serialized already; a response is not read for partial successes.
    { serializeRequest: (body: Uint8Array) => body, deserializeResponse: () => ({}) },
    'otlp_http_span_exporter',
    { name: 'span', countItems: () => 0 },
    undefined,
  );
  // No retry: the main thread waits, and a collector that cannot take the spans now will not before the end.
  shutdownAwareRetries({ _delegate: delegate })?.endBy(Date.now() + timeoutMs);
  let next = 0;
  const sendNext = (): void => {
    const body = bodies[next++];
    if (body === undefined) {
      finish(FINAL_EXPORT.exported);
      return;
    }
    delegate.export(body, (result) => (result.code === 0 ? sendNext() : finish(FINAL_EXPORT.failed)));
  };
  sendNext();
} catch {
  finish(FINAL_EXPORT.failed);
}
