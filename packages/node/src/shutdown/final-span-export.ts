import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { spanBatchEncoder } from '../traces/otlp-encoding/span-batch-encoder';
import { FINAL_EXPORT, type FinalExportRequest } from './final-export-protocol';
import type { OtlpProtocol } from '../types';

// Built beside index.cjs / index.mjs (the ESM build shims __dirname).
const WORKER_FILE = join(__dirname, 'final-export-worker.cjs');

/** How a synchronous export ended. */
export type FinalExportOutcome = 'exported' | 'failed' | 'timed-out' | 'unavailable';

/** Where and how the spans go: the settings of the trace exporter. */
export interface FinalExportTarget {
  readonly url: string;
  readonly protocol: OtlpProtocol;
  /** Spans per request at most (`maxExportBatchSize`). */
  readonly batchSize: number;
}

/**
 * Exports spans and waits for the collector's answer without returning to the event loop: the main thread
 * blocks (at most `timeoutMs`) while a worker thread posts them. Used last in a shutdown for the spans that
 * ended while the exporter was flushed: no request can be answered, and no span can end, between this
 * export and the end of the process.
 */
export function exportSpansSync(
  spans: readonly ReadableSpan[],
  target: FinalExportTarget,
  timeoutMs: number,
): FinalExportOutcome {
  if (spans.length === 0) return 'exported';
  if (timeoutMs <= 0 || !existsSync(WORKER_FILE)) return 'unavailable';
  const encoder = spanBatchEncoder(target.protocol);
  const bodies: Uint8Array[] = [];
  try {
    for (let start = 0; start < spans.length; start += target.batchSize) {
      bodies.push(encoder.encode(spans.slice(start, start + target.batchSize)));
    }
  } catch {
    // Counted and reported by the caller as spans not exported; the shutdown goes on.
    return 'failed';
  }
  const outcome = new SharedArrayBuffer(4);
  const request: FinalExportRequest = {
    url: target.url,
    contentType: encoder.contentType,
    timeoutMs,
    bodies,
    outcome,
  };
  // Without the process's command-line flags: the worker needs none, and the preloads they name (this
  // package's, the app's own) would run in it again while the main thread waits, ~15 ms each time.
  const worker = new Worker(WORKER_FILE, { workerData: request, execArgv: [] });
  worker.unref();
  const cell = new Int32Array(outcome);
  Atomics.wait(cell, 0, FINAL_EXPORT.pending, timeoutMs);
  const result = Atomics.load(cell, 0);
  void worker.terminate();
  if (result === FINAL_EXPORT.exported) return 'exported';
  return result === FINAL_EXPORT.failed ? 'failed' : 'timed-out';
}
