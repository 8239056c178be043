import type { OtlpProtocol } from '../types';

/** How and where the export thread sends spans: the settings of the trace exporter. */
export interface SpanExportSettings {
  /** Full URL of the OTLP traces endpoint. */
  readonly url: string;
  readonly protocol: OtlpProtocol;
  /** Timeout of one OTLP request, in ms (`OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`). */
  readonly requestTimeoutMs: number;
  /** Longest time for one batch, retries included, in ms (`OTEL_BSP_EXPORT_TIMEOUT`). */
  readonly batchTimeoutMs: number;
}

/** How the export of one batch ended. */
export interface BatchOutcome {
  readonly exported: boolean;
  /** Low-cardinality cause of a failure, the `error.type` of the exporter metric: an HTTP status code, `timeout`, or an error name. */
  readonly errorType?: string;
  /** The error message, for the user. */
  readonly reason?: string;
}

/** Messages from the main thread to the export thread. */
export type ToExportThread =
  | {
      readonly type: 'batch';
      readonly id: number;
      /** The OTLP request body, encoded on the main thread; its buffer is transferred, not copied. */
      readonly body: Uint8Array;
    }
  /** Shutdown began: no more retries, and no request outlives `deadline` (ms since the epoch). */
  | { readonly type: 'end-by'; readonly deadline: number };

/** Messages from the export thread to the main thread. */
export type FromExportThread = {
  readonly type: 'done';
  readonly id: number;
  readonly outcome: BatchOutcome;
  /** The body, transferred back once the collector took it, for the next batches to be written into. */
  readonly body: Uint8Array | undefined;
};
