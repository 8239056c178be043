import { TraceFlags, type Context } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { rememberReported, warnOnce } from '../diagnostics/warn-once';
import type { SpanExportChannel } from './span-export-channel';
import type { SpanExportHealth } from './span-export-health';
import type { BatchOutcome } from './span-export-protocol';
import { toResourceRecord, toSpanRecord, type ResourceRecord, type SpanRecord } from './span-record';

/** Settings of the batching, as the SDK's `BatchSpanProcessor` takes them. */
export interface WorkerSpanProcessorSettings {
  /** Spans waiting for export at most; more are dropped and counted (`OTEL_BSP_MAX_QUEUE_SIZE`). */
  readonly maxQueueSize: number;
  /** Spans per batch at most (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`). */
  readonly maxExportBatchSize: number;
  /** Longest wait of a span before its batch is sent (`OTEL_BSP_SCHEDULE_DELAY`). */
  readonly scheduledDelayMs: number;
  /** The endpoint, named in the warning when spans cannot be exported. */
  readonly endpoint: string;
}

// Batches handed to the export thread at a time. While they are out, ended spans wait in the queue (bounded
// by maxQueueSize, as in the SDK's BatchSpanProcessor), so that a collector that hangs holds a fixed amount
// of memory: maxQueueSize spans plus this many batches.
const MAX_BATCHES_OUT = 2;
// A batch that failed this recently tells a shutdown that the collector is failing: the spans still queued
// are not serialized for it (nor the spans that end during the shutdown).
const RECENT_FAILURE_MS = 10_000;

/**
 * A batch span processor whose exports cost the event loop little: an ended span is queued as a
 * {@link SpanRecord} (a few field reads), and a full batch is handed by structured clone to a channel whose
 * thread serializes it to OTLP and posts it. The SDK's `BatchSpanProcessor` serializes on the event loop,
 * which costs several times what making the span did.
 *
 * As the SDK's: unsampled spans are left out, at most `maxQueueSize` spans wait, a batch leaves when it is
 * full or `scheduledDelayMs` after its first span; `forceFlush` sends everything and waits for the answers.
 * What it drops, and what the collector does not take, is counted in `health`.
 */
export class WorkerSpanProcessor implements SpanProcessor {
  private queue: SpanRecord[] = [];
  private resource: ResourceRecord | undefined;
  private resourceReady: Promise<void> | undefined;
  private readonly out = new Set<Promise<void>>();
  private spansOut = 0;
  private timer: NodeJS.Timeout | undefined;
  private sendScheduled = false;
  private shuttingDown = false;
  private sinceShutdown: BatchOutcome | undefined;
  private lastOutcome: BatchOutcome | undefined;
  private lastOutcomeAt = 0;

  constructor(
    private readonly channel: SpanExportChannel,
    private readonly settings: WorkerSpanProcessorSettings,
    readonly health: SpanExportHealth,
  ) {}

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.queue.length >= this.settings.maxQueueSize) {
      this.health.droppedBy('queue_full');
      return;
    }
    if (this.resource === undefined && this.resourceReady === undefined) {
      // The first span: the export thread starts while the first batch fills.
      this.channel.warm();
      this.keepResource(span.resource);
    }
    this.queue.push(toSpanRecord(span));
    if (this.queue.length >= this.settings.maxExportBatchSize) {
      // Sent right after the current callback, not inside the request that ended the span.
      if (!this.sendScheduled) {
        this.sendScheduled = true;
        setImmediate(() => {
          this.sendScheduled = false;
          this.sendFullBatches();
        });
      }
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.sendQueued(MAX_BATCHES_OUT);
      }, this.settings.scheduledDelayMs);
      this.timer.unref();
    }
  }

  /** Sends every queued span and resolves when every batch out has been answered (or given up). */
  async forceFlush(): Promise<void> {
    this.sendQueued(Infinity);
    while (this.out.size > 0) await Promise.allSettled([...this.out]);
  }

  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    if (this.timer) clearTimeout(this.timer);
    // A collector that failed the last batch (a refused connection, a 500) would fail the queue too:
    // serializing it for that collector only delays the end of the process. Otherwise the batches out are
    // answered first (retries have stopped), in case they say the same.
    if (!this.failedSinceShutdown()) {
      while (this.out.size > 0) await Promise.allSettled([...this.out]);
    }
    if (this.failedSinceShutdown()) {
      const count = this.queue.length;
      this.queue = [];
      this.health.processed(count);
      this.health.exported(count, this.lastOutcome?.errorType ?? 'export_failed');
      return void this.channel.close();
    }
    await this.forceFlush();
    // Not awaited: the thread never keeps the process alive, and stopping it takes a while on a busy machine.
    void this.channel.close();
  }

  /** Shutdown begins: no more retries, requests end by `deadline`. */
  endBy(deadline: number): void {
    this.shuttingDown = true;
    this.channel.endBy(deadline);
  }

  /**
   * Whether the collector is failing as shutdown goes on: a batch answered since shutdown began failed, or,
   * none answered yet, the last one failed less than 10 s ago. The final export would fail too.
   */
  failedSinceShutdown(): boolean {
    if (this.sinceShutdown !== undefined) return !this.sinceShutdown.exported;
    return (
      this.lastOutcome !== undefined &&
      !this.lastOutcome.exported &&
      Date.now() - this.lastOutcomeAt < RECENT_FAILURE_MS
    );
  }

  /** Spans queued or out for export, not yet answered: those a shutdown that ends now loses. */
  unfinished(): number {
    return this.queue.length + this.spansOut;
  }

  private keepResource(resource: Resource): void {
    const ready = () => {
      this.resource = toResourceRecord(resource);
    };
    // The host detector fills some attributes asynchronously: batches wait for them, as the SDK's do.
    if (resource.asyncAttributesPending && resource.waitForAsyncAttributes) {
      this.resourceReady ??= resource.waitForAsyncAttributes().then(ready, ready);
    } else {
      ready();
    }
  }

  private sendFullBatches(): void {
    while (this.out.size < MAX_BATCHES_OUT && this.queue.length >= this.settings.maxExportBatchSize) {
      this.sendBatch();
    }
  }

  private sendQueued(maxOut: number): void {
    while (this.out.size < maxOut && this.queue.length > 0) this.sendBatch();
  }

  private sendBatch(): void {
    const size = this.settings.maxExportBatchSize;
    const spans = this.queue.length <= size ? this.queue : this.queue.slice(0, size);
    this.queue = this.queue.length <= size ? [] : this.queue.slice(size);
    this.health.processed(spans.length);
    this.spansOut += spans.length;
    const sent = this.exportBatch(spans).then((outcome) => {
      this.spansOut -= spans.length;
      this.out.delete(sent);
      this.answered(spans.length, outcome);
      if (this.queue.length >= size) this.sendFullBatches();
      else if (this.queue.length > 0 && this.timer === undefined && !this.shuttingDown) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.sendQueued(MAX_BATCHES_OUT);
        }, this.settings.scheduledDelayMs);
        this.timer.unref();
      }
    });
    this.out.add(sent);
  }

  private async exportBatch(spans: SpanRecord[]): Promise<BatchOutcome> {
    if (this.resource === undefined) await this.resourceReady;
    return this.channel.send(this.resource ?? { attributes: {}, schemaUrl: undefined }, spans);
  }

  private answered(count: number, outcome: BatchOutcome): void {
    if (this.shuttingDown) this.sinceShutdown = outcome;
    this.lastOutcome = outcome;
    this.lastOutcomeAt = Date.now();
    if (outcome.exported) {
      this.health.exported(count);
      return;
    }
    this.health.exported(count, outcome.errorType ?? 'export_failed');
    const reason = outcome.reason ?? 'export failed';
    rememberReported(reason);
    warnOnce(
      `export:${this.settings.endpoint}`,
      `cannot export spans to ${this.settings.endpoint} (${reason}); spans are dropped while it stays unreachable, ` +
        'the service is not affected. This is reported once.',
    );
  }
}
