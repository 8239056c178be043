import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { rememberReported, warnOnce } from '../diagnostics/warn-once';

/**
 * Wraps the trace exporter to tell the user, once, that spans do not reach the collector, naming the
 * endpoint. The OTLP exporter itself reports through the global error handler on every failed batch.
 */
export class WarnOnceSpanExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly endpoint: string,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) {
        const reason = result.error?.message ?? 'export failed';
        rememberReported(reason);
        warnOnce(
          `export:${this.endpoint}`,
          `cannot export spans to ${this.endpoint} (${reason}); spans are dropped while it stays unreachable, ` +
            'the service is not affected. This is reported once.',
        );
      }
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
