import { TraceFlags, type Context } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { rememberReported, warnOnce } from '../diagnostics/warn-once';
import type { SpanBatch } from './otlp-encoding/span-batch';
import type { SpanExportChannel } from './span-export-channel';
import type { SpanExportHealth } from './span-export-health';
import type { BatchOutcome } from './span-export-protocol';

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
 * A batch span processor whose exports cost the event loop little: an ended span is encoded into its batch
 * at once (OTLP, by an encoder of this package that writes the SDK's bytes in a fraction of its time), so
 * that the span itself is garbage while still young, and a full batch is handed to a channel whose thread
 * posts it.
 *
 * As the SDK's: unsampled spans are left out, at most `maxQueueSize` spans wait, a batch leaves when it is
 * full or `scheduledDelayMs` after its first span; `forceFlush` sends everything and waits for the answers.
 * What it drops, and what the collector does not take, is counted in `health`.
 */
export class WorkerSpanProcessor implements SpanProcessor {
  /** Batches waiting to be sent, oldest first; the last one takes the spans that end. */
  private batches: SpanBatch[] = [];
  /** Spans in {@link batches}. */
  private queued = 0;
  private resourceSettled = false;
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
    if (this.queued >= this.settings.maxQueueSize) {
      this.health.droppedBy('queue_full');
      return;
    }
    if (!this.resourceSettled && this.resourceReady === undefined) {
      // The first span: the export thread starts while the first batch fills.
      this.channel.warm();
      this.waitForResource(span.resource);
    }
    const open = this.batches[this.batches.length - 1];
    const batch = open !== undefined && open.size < this.settings.maxExportBatchSize ? open : this.channel.newBatch();
    try {
      batch.add(span);
    } catch (error) {
      this.unencodable(error);
      return;
    }
    if (batch !== open) this.batches.push(batch);
    this.queued++;
    if (batch.size >= this.settings.maxExportBatchSize) {
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
      const count = this.queued;
      this.batches = [];
      this.queued = 0;
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
    return this.queued + this.spansOut;
  }

  private waitForResource(resource: Resource): void {
    const ready = () => {
      this.resourceSettled = true;
    };
    // The host detector fills some attributes asynchronously: batches wait for them, as the SDK's do.
    if (resource.asyncAttributesPending && resource.waitForAsyncAttributes) {
      this.resourceReady ??= resource.waitForAsyncAttributes().then(ready, ready);
    } else {
      ready();
    }
  }

  private sendFullBatches(): void {
    while (this.out.size < MAX_BATCHES_OUT && this.hasFullBatch()) this.sendBatch();
  }

  private hasFullBatch(): boolean {
    return (this.batches[0]?.size ?? 0) >= this.settings.maxExportBatchSize;
  }

  private sendQueued(maxOut: number): void {
    while (this.out.size < maxOut && this.batches.length > 0) this.sendBatch();
  }

  private sendBatch(): void {
    const batch = this.batches.shift() as SpanBatch;
    const count = batch.size;
    this.queued -= count;
    this.health.processed(count);
    this.spansOut += count;
    const sent = this.exportBatch(batch).then((outcome) => {
      this.spansOut -= count;
      this.out.delete(sent);
      this.answered(count, outcome);
      if (this.hasFullBatch()) this.sendFullBatches();
      else if (this.queued > 0 && this.timer === undefined && !this.shuttingDown) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.sendQueued(MAX_BATCHES_OUT);
        }, this.settings.scheduledDelayMs);
        this.timer.unref();
      }
    });
    this.out.add(sent);
  }

  private async exportBatch(batch: SpanBatch): Promise<BatchOutcome> {
    if (!this.resourceSettled) await this.resourceReady;
    return this.channel.send(batch);
  }

  /** A span its batch cannot take: counted as not exported, reported once, the service not affected. */
  private unencodable(error: unknown): void {
    this.health.processed(1);
    this.health.exported(1, 'encoding_failed');
    const reason = error instanceof Error ? error.message : String(error);
    rememberReported(reason);
    warnOnce('encoding', `a span could not be encoded for export and is dropped (${reason}); this is reported once.`);
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
