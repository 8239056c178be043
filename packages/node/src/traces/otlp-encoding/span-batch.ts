import type { Attributes } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { BufferPool } from './buffer-pool';
import { ByteWriter } from './byte-writer';

/** A scope as the SDK's serializers read it: with attributes, when the tracer was given some. */
export type EncodedScope = InstrumentationScope & {
  readonly attributes?: Attributes;
  readonly droppedAttributesCount?: number;
};

/** The encoded spans of a batch, by resource, then by instrumentation scope, in the order first seen. */
export type SpanGroups = Map<Resource, Map<EncodedScope, ByteWriter>>;

/** What differs between OTLP/JSON and OTLP/protobuf. */
export interface OtlpFormat {
  /** The `Content-Type` of the request bodies. */
  readonly contentType: string;
  /** Appends a span to the spans of its scope; `first` when it is the scope's first in the batch. */
  writeSpan(writer: ByteWriter, span: ReadableSpan, first: boolean): void;
  /** The request: resources and scopes around the spans written by {@link writeSpan}. */
  writeRequest(writer: ByteWriter, groups: SpanGroups): void;
}

// Where the spans of one scope start; each writer grows as its spans come.
const SCOPE_BUFFER_SIZE = 16 * 1024;

/**
 * The spans of one export request, encoded as each is added: the queue holds bytes, not spans, so that an
 * ended span is garbage at once instead of living (and being copied by the garbage collector) until its
 * batch leaves. The spans are grouped as OTLP nests them, by resource and scope (both by identity, as the
 * SDK's protobuf serializer groups them); {@link finish} writes the request around them.
 */
export class SpanBatch {
  private readonly groups: SpanGroups = new Map();
  /** Spans added. */
  size = 0;

  constructor(
    private readonly format: OtlpFormat,
    private readonly pool: BufferPool,
  ) {}

  /** Encodes `span` into the batch; when that throws, the batch is as it was before. */
  add(span: ReadableSpan): void {
    let scopes = this.groups.get(span.resource);
    if (scopes === undefined) {
      scopes = new Map();
      this.groups.set(span.resource, scopes);
    }
    const scope = span.instrumentationScope;
    let writer = scopes.get(scope);
    const first = writer === undefined;
    if (writer === undefined) {
      writer = new ByteWriter(this.pool, SCOPE_BUFFER_SIZE);
      scopes.set(scope, writer);
    }
    const start = writer.pos;
    try {
      this.format.writeSpan(writer, span, first);
    } catch (error) {
      writer.pos = start;
      if (first) {
        scopes.delete(scope);
        writer.release();
      }
      if (scopes.size === 0) this.groups.delete(span.resource);
      throw error;
    }
    this.size++;
  }

  /**
   * The request body, once. Its buffer is its own (it may be transferred to another thread); give it back to
   * the encoder ({@link SpanBatchEncoder.recycle}) once the request is sent.
   */
  finish(): Uint8Array {
    let spansLength = 0;
    for (const scopes of this.groups.values()) for (const writer of scopes.values()) spansLength += writer.pos;
    const writer = new ByteWriter(this.pool, spansLength + 4096);
    try {
      this.format.writeRequest(writer, this.groups);
    } catch (error) {
      writer.release();
      throw error;
    } finally {
      for (const scopes of this.groups.values()) for (const spans of scopes.values()) spans.release();
      this.groups.clear();
    }
    return writer.take();
  }
}
