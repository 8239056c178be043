import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { shutdownAwareRetries, type ShutdownAwareRetries } from './export-retries';
import type { BatchOutcome, SpanExportSettings } from './span-export-protocol';
import { fromSpanRecord, type ResourceRecord, type SpanRecord } from './span-record';

/**
 * Serializes and sends batches of span records with the OTLP/HTTP trace exporter of the SDK, built from the
 * same options and environment variables as anywhere else (endpoint, `OTEL_EXPORTER_OTLP_*_HEADERS`,
 * `_COMPRESSION`, certificates), its retries replaced by {@link ShutdownAwareRetries}. Runs on the export
 * thread (`span-export-worker.ts`), or on the main thread where that thread cannot be started.
 */
export class OtlpSpanSink {
  private readonly exporter: SpanExporter;
  private readonly retries: ShutdownAwareRetries | undefined;

  constructor(private readonly settings: SpanExportSettings) {
    const options = { url: settings.url, timeoutMillis: settings.requestTimeoutMs };
    this.exporter =
      settings.protocol === 'http/protobuf' ? new OTLPProtoTraceExporter(options) : new OTLPJsonTraceExporter(options);
    this.retries = shutdownAwareRetries(this.exporter);
  }

  /** Exports one batch; resolves (never rejects) when the collector answered, or gave up, or time ran out. */
  export(resourceRecord: ResourceRecord, records: readonly SpanRecord[]): Promise<BatchOutcome> {
    const resource = { attributes: resourceRecord.attributes, schemaUrl: resourceRecord.schemaUrl } as Resource;
    const spans = records.map((record) => fromSpanRecord(record, resource));
    return new Promise<BatchOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: BatchOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      // The batch processor's timeout: the exporter's own requests are bounded by requestTimeoutMs, but
      // retries can add up; past batchTimeoutMs the batch counts as failed.
      const timer = setTimeout(
        () =>
          finish({
            exported: false,
            errorType: 'timeout',
            reason: `export timed out after ${this.settings.batchTimeoutMs} ms`,
          }),
        this.settings.batchTimeoutMs,
      );
      try {
        this.exporter.export(spans, (result) => {
          if (result.code === 0) finish({ exported: true });
          else finish(failure(result.error));
        });
      } catch (error) {
        finish(failure(error));
      }
    });
  }

  /** Shutdown began: no more retries, and requests end by `deadline`. */
  endBy(deadline: number): void {
    this.retries?.endBy(deadline);
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }
}

/** The `error.type` and message of a failed export. */
export function failure(error: unknown): BatchOutcome {
  if (!(error instanceof Error)) return { exported: false, errorType: 'export_failed', reason: 'export failed' };
  const code = (error as { code?: unknown }).code;
  const errorType =
    typeof code === 'number' && code >= 100 && code <= 599
      ? String(code)
      : /time(d)?[ -]?out/i.test(error.message)
        ? 'timeout'
        : /ECONNREFUSED|ECONNRESET|EPIPE|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|socket hang up/i.test(error.message)
          ? 'connection_error'
          : /^[A-Za-z]+$/.test(error.name)
            ? error.name
            : 'export_failed';
  return { exported: false, errorType, reason: error.message };
}
