import { diag, type Attributes, type Meter, type ObservableResult } from '@opentelemetry/api';

/** Why a span was dropped by the span processor. */
export type SpanDropReason = 'queue_full' | 'shutdown_timeout';

/** Settings of the counters' attributes. */
export interface SpanExportHealthSettings {
  /** `otel.component.type` of the exporter: `otlp_http_json_span_exporter` or `otlp_http_span_exporter`. */
  readonly exporterType: string;
  /** The endpoint, for `server.address` and `server.port`. */
  readonly url: string;
  /** How often at most a warning says how many spans were dropped, in ms. */
  readonly reportIntervalMs: number;
}

const PROCESSOR_TYPE = 'batching_span_processor';

/**
 * Counts what becomes of the spans handed to the span processor, with the names of OpenTelemetry's SDK
 * self-observability conventions (https://opentelemetry.io/docs/specs/semconv/otel/sdk-metrics/):
 *
 * - `otel.sdk.processor.span.processed`: spans the processor is done with; with `error.type` `queue_full`
 *   (the queue held `maxQueueSize` spans) or `shutdown_timeout` (still waiting when the shutdown deadline
 *   passed), the spans it dropped;
 * - `otel.sdk.exporter.span.exported`: spans whose export ended; with `error.type` (an HTTP status code,
 *   `timeout`, `connection_error`, ...) those the collector did not take.
 *
 * Counting is a few integer additions; the counters are read when metrics are collected. A dropped span is
 * also reported in a warning, at most one per `reportIntervalMs`, that says how many and why.
 */
export class SpanExportHealth {
  private processedOk = 0;
  private readonly dropped: Record<SpanDropReason, number> = { queue_full: 0, shutdown_timeout: 0 };
  private exportedOk = 0;
  private readonly failed = new Map<string, number>();
  private readonly processorAttributes: Attributes;
  private readonly droppedAttributes: Record<SpanDropReason, Attributes>;
  private readonly exporterAttributes: Attributes;
  private readonly failedAttributes = new Map<string, Attributes>();
  /** Drops since the last warning, by reason ('export failed' included). */
  private unreported = new Map<string, number>();
  private reportTimer: NodeJS.Timeout | undefined;

  constructor(private readonly settings: SpanExportHealthSettings) {
    this.processorAttributes = {
      'otel.component.type': PROCESSOR_TYPE,
      'otel.component.name': `${PROCESSOR_TYPE}/0`,
    };
    this.droppedAttributes = {
      queue_full: { ...this.processorAttributes, 'error.type': 'queue_full' },
      shutdown_timeout: { ...this.processorAttributes, 'error.type': 'shutdown_timeout' },
    };
    this.exporterAttributes = {
      'otel.component.type': settings.exporterType,
      'otel.component.name': `${settings.exporterType}/0`,
      ...serverOf(settings.url),
    };
  }

  /** `count` spans went from the queue to the exporter. */
  processed(count: number): void {
    this.processedOk += count;
  }

  /** `count` spans were dropped by the processor. */
  droppedBy(reason: SpanDropReason, count = 1): void {
    if (count <= 0) return;
    this.dropped[reason] += count;
    this.report(reason === 'queue_full' ? 'queue full' : 'shutdown timeout', count);
  }

  /** The export of `count` spans ended: taken by the collector, or failed with `errorType`. */
  exported(count: number, errorType?: string): void {
    if (errorType === undefined) {
      this.exportedOk += count;
      return;
    }
    this.failed.set(errorType, (this.failed.get(errorType) ?? 0) + count);
    this.report(`export failed: ${errorType}`, count);
  }

  /** Totals so far, for tests and the final report. */
  totals(): { processed: number; queueFull: number; shutdownTimeout: number; exported: number; failed: number } {
    let failed = 0;
    for (const count of this.failed.values()) failed += count;
    return {
      processed: this.processedOk,
      queueFull: this.dropped.queue_full,
      shutdownTimeout: this.dropped.shutdown_timeout,
      exported: this.exportedOk,
      failed,
    };
  }

  /** Reports the counters on `meter`, read at each collection. */
  observeOn(meter: Meter): void {
    meter
      .createObservableCounter('otel.sdk.processor.span.processed', {
        unit: '{span}',
        description:
          'The number of spans for which the processing has finished, either successful or failed (error.type: why it was dropped).',
      })
      .addCallback((result: ObservableResult) => {
        result.observe(this.processedOk, this.processorAttributes);
        for (const reason of ['queue_full', 'shutdown_timeout'] as const) {
          if (this.dropped[reason] > 0) result.observe(this.dropped[reason], this.droppedAttributes[reason]);
        }
      });
    meter
      .createObservableCounter('otel.sdk.exporter.span.exported', {
        unit: '{span}',
        description:
          'The number of spans for which the export has finished, either successful or failed (error.type: why the collector did not take them).',
      })
      .addCallback((result: ObservableResult) => {
        result.observe(this.exportedOk, this.exporterAttributes);
        for (const [errorType, count] of this.failed) result.observe(count, this.failedAttributesOf(errorType));
      });
  }

  /** Stops the pending warning (the process is ending); returns what it would have said. */
  flushReport(): void {
    if (this.reportTimer) clearTimeout(this.reportTimer);
    this.reportTimer = undefined;
    this.writeReport();
  }

  private failedAttributesOf(errorType: string): Attributes {
    let attributes = this.failedAttributes.get(errorType);
    if (attributes === undefined) {
      attributes = { ...this.exporterAttributes, 'error.type': errorType };
      this.failedAttributes.set(errorType, attributes);
    }
    return attributes;
  }

  private report(reason: string, count: number): void {
    this.unreported.set(reason, (this.unreported.get(reason) ?? 0) + count);
    if (this.reportTimer) return;
    this.reportTimer = setTimeout(() => {
      this.reportTimer = undefined;
      this.writeReport();
    }, this.settings.reportIntervalMs);
    this.reportTimer.unref();
  }

  private writeReport(): void {
    if (this.unreported.size === 0) return;
    let total = 0;
    const parts: string[] = [];
    for (const [reason, count] of this.unreported) {
      total += count;
      parts.push(`${reason}: ${count}`);
    }
    this.unreported = new Map();
    diag.warn(
      `@modelsight/node: Dropped ${total} spans in the last ${duration(this.settings.reportIntervalMs)} (${parts.join(', ')}); ` +
        'counted on /metrics in otel_sdk_processor_span_processed_total and otel_sdk_exporter_span_exported_total by error_type',
    );
  }
}

function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function serverOf(url: string): Attributes {
  try {
    const parsed = new URL(url);
    const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
    return { 'server.address': parsed.hostname, 'server.port': port };
  } catch {
    return {};
  }
}
