import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { OtlpProtocol } from '../../types';
import { BufferPool } from './buffer-pool';
import { OtlpJsonFormat } from './otlp-json-format';
import { OtlpProtobufFormat } from './otlp-protobuf-format';
import { type OtlpFormat, SpanBatch } from './span-batch';

/**
 * Writes ended spans as OTLP/HTTP export request bodies: the same bytes as the SDK's serializers
 * (`JsonTraceSerializer`, `ProtobufTraceSerializer` of `@opentelemetry/otlp-transformer`), in a fraction of
 * their time, a span at a time.
 */
export class SpanBatchEncoder {
  private readonly pool = new BufferPool();

  constructor(private readonly format: OtlpFormat) {}

  /** The `Content-Type` of the bodies. */
  get contentType(): string {
    return this.format.contentType;
  }

  /** An empty batch, to add spans to as they end. */
  newBatch(): SpanBatch {
    return new SpanBatch(this.format, this.pool);
  }

  /** Takes back the memory of a request body nothing reads any more, for the requests to come. */
  recycle(body: Uint8Array): void {
    this.pool.give(body.buffer);
  }

  /** The request body of `spans`. */
  encode(spans: readonly ReadableSpan[]): Uint8Array {
    const batch = this.newBatch();
    for (const span of spans) batch.add(span);
    return batch.finish();
  }
}

/** The encoder of a protocol. */
export function spanBatchEncoder(protocol: OtlpProtocol): SpanBatchEncoder {
  return new SpanBatchEncoder(protocol === 'http/protobuf' ? new OtlpProtobufFormat() : new OtlpJsonFormat());
}
