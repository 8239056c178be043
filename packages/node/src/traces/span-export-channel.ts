import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SpanBatch } from './otlp-encoding/span-batch';
import { spanBatchEncoder, type SpanBatchEncoder } from './otlp-encoding/span-batch-encoder';
import { OtlpSpanSink } from './otlp-span-sink';
import type { BatchOutcome, FromExportThread, SpanExportSettings, ToExportThread } from './span-export-protocol';

// Built beside index.cjs / index.mjs (the ESM build shims __dirname).
const WORKER_FILE = join(__dirname, 'span-export-worker.cjs');
// An export thread that dies is started again on the next batch, this many times at most; then batches are
// exported on the main thread.
const MAX_RESTARTS = 3;

/** Where the span processor hands its batches. */
export interface SpanExportChannel {
  /** An empty batch in the channel's encoding, to add spans to as they end. */
  newBatch(): SpanBatch;
  /** Writes the request of a batch on the calling thread and exports it; never rejects. */
  send(batch: SpanBatch): Promise<BatchOutcome>;
  /** Shutdown began: no more retries, and no request outlives `deadline` (ms since the epoch). */
  endBy(deadline: number): void;
  /** Stops the exporter (and its thread); batches not answered yet count as failed. */
  close(): Promise<void>;
  /** Gets ready to send (starts the export thread), so that the first batch does not wait for it. */
  warm(): void;
}

/**
 * A channel to the export thread (`span-export-worker.cjs`), started with the first batch, or, when that file
 * is not there (the sources run by a test runner), the same exporter on the main thread.
 */
export function spanExportChannel(settings: SpanExportSettings): SpanExportChannel {
  return existsSync(WORKER_FILE) ? new WorkerChannel(settings) : new InThreadChannel(settings);
}

/** The body of a batch, or how writing it failed: that must cost the batch, counted and reported, never the service. */
function requestOf(batch: SpanBatch): Uint8Array | BatchOutcome {
  try {
    return batch.finish();
  } catch (error) {
    const reason = `the spans could not be encoded: ${error instanceof Error ? error.message : String(error)}`;
    return { exported: false, errorType: 'encoding_failed', reason };
  }
}

/** Exports on the main thread. */
export class InThreadChannel implements SpanExportChannel {
  private readonly sink: OtlpSpanSink;
  private readonly encoder: SpanBatchEncoder;

  constructor(settings: SpanExportSettings) {
    this.sink = new OtlpSpanSink(settings);
    this.encoder = spanBatchEncoder(settings.protocol);
  }

  newBatch(): SpanBatch {
    return this.encoder.newBatch();
  }

  send(batch: SpanBatch): Promise<BatchOutcome> {
    const body = requestOf(batch);
    if (!(body instanceof Uint8Array)) return Promise.resolve(body);
    return this.sink.export(body).then((outcome) => {
      // Written out whole once the collector took it; a request that timed out may still be writing it.
      if (outcome.exported) this.encoder.recycle(body);
      return outcome;
    });
  }

  endBy(deadline: number): void {
    this.sink.endBy(deadline);
  }

  close(): Promise<void> {
    return this.sink.shutdown();
  }

  warm(): void {}
}

/**
 * Writes the requests of batches on the main thread and hands each body to a worker thread, its buffer
 * transferred rather than copied; the thread posts them. The thread never keeps the process alive
 * (`unref`), and is started without the process's command-line flags: the preloads they name would otherwise
 * run in it again.
 */
class WorkerChannel implements SpanExportChannel {
  private worker: Worker | undefined;
  private readonly encoder: SpanBatchEncoder;
  private nextId = 0;
  private readonly waiting = new Map<number, (outcome: BatchOutcome) => void>();
  private restarts = 0;
  private fallback: InThreadChannel | undefined;
  private deadline: number | undefined;
  private closed = false;

  constructor(private readonly settings: SpanExportSettings) {
    this.encoder = spanBatchEncoder(settings.protocol);
  }

  newBatch(): SpanBatch {
    return this.encoder.newBatch();
  }

  send(batch: SpanBatch): Promise<BatchOutcome> {
    if (this.fallback) return this.fallback.send(batch);
    if (this.closed)
      return Promise.resolve({ exported: false, errorType: 'shutdown', reason: 'the exporter is shut down' });
    const body = requestOf(batch);
    if (!(body instanceof Uint8Array)) return Promise.resolve(body);
    const worker = this.started();
    const id = this.nextId++;
    return new Promise<BatchOutcome>((resolve) => {
      this.waiting.set(id, resolve);
      const message: ToExportThread = { type: 'batch', id, body };
      worker.postMessage(message, [body.buffer as ArrayBuffer]);
    });
  }

  endBy(deadline: number): void {
    this.deadline = deadline;
    this.fallback?.endBy(deadline);
    const message: ToExportThread = { type: 'end-by', deadline };
    this.worker?.postMessage(message);
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failWaiting('the exporter was shut down before the collector answered');
    await Promise.allSettled([worker?.terminate(), this.fallback?.close()]);
  }

  warm(): void {
    if (!this.fallback && !this.closed) this.started();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_FILE, { workerData: this.settings, execArgv: [] });
    worker.on('message', (message: FromExportThread) => {
      if (message.body) this.encoder.recycle(message.body);
      const resolve = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      resolve?.(message.outcome);
    });
    const lost = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failWaiting(reason);
      if (++this.restarts > MAX_RESTARTS && !this.closed) {
        this.fallback = new InThreadChannel(this.settings);
        if (this.deadline !== undefined) this.fallback.endBy(this.deadline);
      }
    };
    worker.on('error', (error) => lost(`the span export thread failed: ${error.message}`));
    worker.on('exit', (code) => lost(`the span export thread exited with code ${code}`));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
    if (this.deadline !== undefined)
      worker.postMessage({ type: 'end-by', deadline: this.deadline } satisfies ToExportThread);
    this.worker = worker;
    return worker;
  }

  private failWaiting(reason: string): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const resolve of waiting) resolve({ exported: false, errorType: 'worker_exit', reason });
  }
}
