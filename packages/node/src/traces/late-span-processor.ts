import { TraceFlags, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { exportSpansSync, type FinalExportOutcome, type FinalExportTarget } from '../shutdown/final-span-export';
import { warnOnce } from '../diagnostics/warn-once';

/**
 * Wraps the batch span processor so that the spans ending while the process shuts down are exported too.
 *
 * The app goes on serving while telemetry is flushed, and its spans keep ending; the batch processor drops
 * those once its shutdown has begun. From {@link beginShutdown} on, they are kept here instead (at most
 * `maxQueueSize`, as the batch queue), and {@link exportLateSpansSync}, called last, sends them with the
 * main thread blocked, so that nothing answered before the process ends is missing from the traces.
 */
/** What the final export asks of the exporter: no more retries from a deadline on, and how its last requests went. */
export interface ShutdownControl {
  /** No more retries; requests end by `deadline` (ms since the epoch). */
  endBy(deadline: number): void;
  /** Whether a request answered since shutdown began failed. */
  failedSinceShutdown(): boolean;
  /** Spans the exporter still holds, unanswered (lost if the shutdown ends now). */
  unfinished?(): number;
}

export class LateSpanProcessor implements SpanProcessor {
  private late: ReadableSpan[] | undefined;
  private dropped = 0;

  constructor(
    private readonly inner: SpanProcessor,
    private readonly target: FinalExportTarget,
    private readonly maxQueueSize: number,
    private readonly retries: ShutdownControl | undefined,
    private readonly exportSync: (
      spans: readonly ReadableSpan[],
      target: FinalExportTarget,
      timeoutMs: number,
    ) => FinalExportOutcome = exportSpansSync,
    private readonly onLost: (count: number) => void = () => {},
  ) {}

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (this.late === undefined) {
      this.inner.onEnd(span);
      return;
    }
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.late.length < this.maxQueueSize) this.late.push(span);
    else this.dropped += 1;
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    this.late ??= [];
    return this.inner.shutdown();
  }

  /** Shutdown begins: no more export retries, and spans that end from now on wait for the final export. */
  beginShutdown(deadline: number): void {
    this.retries?.endBy(deadline);
    this.late ??= [];
  }

  /**
   * Exports the spans that ended since shutdown began, blocking until the collector answers or `deadline`.
   * Skipped when the collector failed the flush just before: it would fail these too.
   */
  exportLateSpansSync(deadline: number): void {
    const spans = this.late ?? [];
    this.late = [];
    // What the exporter still holds at this point will not be answered before the process ends.
    const unfinished = this.retries?.unfinished?.() ?? 0;
    if (unfinished > 0) this.onLost(unfinished);
    if (spans.length === 0 && this.dropped === 0) return;
    const outcome = this.retries?.failedSinceShutdown()
      ? 'failed'
      : this.exportSync(spans, this.target, deadline - Date.now());
    const lost = (outcome === 'exported' ? 0 : spans.length) + this.dropped;
    this.dropped = 0;
    this.onLost(lost);
    if (lost > 0) {
      warnOnce(
        'late-spans',
        `${lost} spans that ended during the shutdown were not exported (${outcome === 'exported' ? `more than maxQueueSize ${this.maxQueueSize}` : outcome})`,
      );
    }
  }
}
