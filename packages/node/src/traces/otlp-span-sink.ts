import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { shutdownAwareRetries, type ShutdownAwareRetries } from './export-retries';
import type { BatchOutcome, SpanExportSettings } from './span-export-protocol';

/**
 * Sends OTLP request bodies, encoded already, with the OTLP/HTTP export delegate of the SDK's exporters, built
 * from the same options and environment variables as theirs (endpoint, `OTEL_EXPORTER_OTLP_*_HEADERS`,
 * `_COMPRESSION`, certificates), its retries replaced by {@link ShutdownAwareRetries}. Runs on the export
 * thread (`span-export-worker.ts`), or on the main thread where that thread cannot be started.
 */
export class OtlpSpanSink {
  private readonly exporter: OTLPExporterBase<Uint8Array>;
  private readonly retries: ShutdownAwareRetries | undefined;

  constructor(private readonly settings: SpanExportSettings) {
    const protobuf = settings.protocol === 'http/protobuf';
    const delegate = createOtlpHttpExportDelegate(
      convertLegacyHttpOptions({ url: settings.url, timeoutMillis: settings.requestTimeoutMs }, 'TRACES', 'v1/traces', {
        'Content-Type': protobuf ? 'application/x-protobuf' : 'application/json',
      }),
      {
        // The body is the request already; the collector's answer is read as the SDK's exporter reads it, so
        // that a partial success is reported.
        serializeRequest: (body: Uint8Array) => body,
        deserializeResponse: (protobuf ? ProtobufTraceSerializer : JsonTraceSerializer).deserializeResponse,
      },
      protobuf ? 'otlp_http_span_exporter' : 'otlp_http_json_span_exporter',
      // The SDK's own exporter metrics are not recorded (no meter provider is given).
      { name: 'span', countItems: () => 0 },
      undefined,
    );
    this.exporter = new OTLPExporterBase(delegate);
    this.retries = shutdownAwareRetries(this.exporter);
  }

  /** Sends one request body; resolves (never rejects) when the collector answered, or gave up, or time ran out. */
  export(body: Uint8Array): Promise<BatchOutcome> {
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
        this.exporter.export(body, (result) => {
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
