/** Values of the shared outcome cell of a final export; 0 while the worker is still sending. */
export const FINAL_EXPORT = { pending: 0, exported: 1, failed: 2 } as const;

/** What the main thread hands the final-export worker (`workerData`). */
export interface FinalExportRequest {
  /** Full URL of the OTLP traces endpoint. */
  readonly url: string;
  /** `application/json` or `application/x-protobuf`. */
  readonly contentType: string;
  /** Longest time for all the requests together. */
  readonly timeoutMs: number;
  /** Serialized `ExportTraceServiceRequest`s, sent one after the other. */
  readonly bodies: readonly Uint8Array[];
  /** One Int32 cell the worker sets to a {@link FINAL_EXPORT} value, then notifies. */
  readonly outcome: SharedArrayBuffer;
}
