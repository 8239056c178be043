import type { Attributes, Link, SpanStatus } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { ByteWriter } from './byte-writer';
import { EncodedPieces } from './encoded-pieces';
import { writeNanosAsFixed64 } from './hr-time';
import type { EncodedScope, OtlpFormat, SpanGroups } from './span-batch';

// Field tags, (field number << 3) | wire type, of opentelemetry/proto/trace/v1 and common/v1.
const LENGTH_DELIMITED = 2;
const tag = (field: number, wireType: number) => (field << 3) | wireType;
const FIELD_1 = tag(1, LENGTH_DELIMITED);
const FIELD_2 = tag(2, LENGTH_DELIMITED);
const FIELD_3 = tag(3, LENGTH_DELIMITED);

const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;
const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * OTLP/protobuf `ExportTraceServiceRequest` bodies, byte for byte those of `ProtobufTraceSerializer` of
 * `@opentelemetry/otlp-transformer` (same fields, same order, same conditions), written in one pass, with
 * the keys, scopes and resources encoded once.
 */
export class OtlpProtobufFormat implements OtlpFormat {
  readonly contentType = 'application/x-protobuf';
  private readonly keys = new EncodedPieces<string>();
  private readonly scopes = new EncodedPieces<EncodedScope>();
  private readonly resources = new EncodedPieces<Resource>();

  writeSpan(w: ByteWriter, span: ReadableSpan): void {
    // A span of ScopeSpans (field 2).
    w.byte(FIELD_2);
    this.span(w, span);
  }

  writeRequest(w: ByteWriter, groups: SpanGroups): void {
    for (const [resource, scopes] of groups) {
      w.byte(FIELD_1);
      const resourceSpans = w.startLength();
      // Attributes still being detected may change: such a resource is written each time until they are in.
      if (resource.asyncAttributesPending) this.resource(w, resource);
      else this.resources.write(w, resource, this.resource);
      for (const [scope, spans] of scopes) {
        w.byte(FIELD_2);
        const start = w.startLength();
        this.scopes.write(w, scope, this.scope);
        w.bytes(spans.written());
        if (scope.schemaUrl) string(w, FIELD_3, scope.schemaUrl);
        w.finishLength(start);
      }
      if (resource.schemaUrl) string(w, FIELD_3, resource.schemaUrl);
      w.finishLength(resourceSpans);
    }
  }

  private readonly resource = (w: ByteWriter, resource: Resource): void => {
    w.byte(FIELD_1);
    const start = w.startLength();
    this.attributes(w, resource.attributes, FIELD_1);
    w.byte(tag(2, 0));
    w.varint(0);
    w.finishLength(start);
  };

  private readonly scope = (w: ByteWriter, scope: EncodedScope): void => {
    w.byte(FIELD_1);
    const start = w.startLength();
    string(w, FIELD_1, scope.name);
    if (scope.version) string(w, FIELD_2, scope.version);
    if (scope.attributes) this.attributes(w, scope.attributes, FIELD_3);
    if (scope.droppedAttributesCount) {
      w.byte(tag(4, 0));
      w.varint(scope.droppedAttributesCount);
    }
    w.finishLength(start);
  };

  private span(w: ByteWriter, span: ReadableSpan): void {
    const start = w.startLength();
    const context = span.spanContext();
    const parent = span.parentSpanContext;
    bytesOfHex(w, FIELD_1, context.traceId);
    bytesOfHex(w, FIELD_2, context.spanId);
    const traceState = context.traceState?.serialize();
    if (traceState) string(w, FIELD_3, traceState);
    if (parent?.spanId) bytesOfHex(w, tag(4, LENGTH_DELIMITED), parent.spanId);
    string(w, tag(5, LENGTH_DELIMITED), span.name);
    const kind = span.kind == null ? 0 : span.kind + 1;
    if (kind !== 0) {
      w.byte(tag(6, 0));
      w.varint(kind);
    }
    w.byte(tag(7, 1));
    writeNanosAsFixed64(w, span.startTime);
    w.byte(tag(8, 1));
    writeNanosAsFixed64(w, span.endTime);
    this.attributes(w, span.attributes, tag(9, LENGTH_DELIMITED));
    w.byte(tag(10, 0));
    w.varint(span.droppedAttributesCount);
    for (const event of span.events) {
      w.byte(tag(11, LENGTH_DELIMITED));
      this.event(w, event);
    }
    w.byte(tag(12, 0));
    w.varint(span.droppedEventsCount);
    for (const link of span.links) {
      w.byte(tag(13, LENGTH_DELIMITED));
      this.link(w, link);
    }
    w.byte(tag(14, 0));
    w.varint(span.droppedLinksCount);
    w.byte(tag(15, LENGTH_DELIMITED));
    status(w, span.status);
    // Field 16, fixed32: a tag of two bytes.
    w.byte(0x85);
    w.byte(0x01);
    w.fixed32(flags(context.traceFlags, parent?.isRemote));
    w.finishLength(start);
  }

  private event(w: ByteWriter, event: TimedEvent): void {
    const start = w.startLength();
    w.byte(tag(1, 1));
    writeNanosAsFixed64(w, event.time);
    string(w, FIELD_2, event.name);
    if (event.attributes) this.attributes(w, event.attributes, FIELD_3);
    w.byte(tag(4, 0));
    w.varint(event.droppedAttributesCount || 0);
    w.finishLength(start);
  }

  private link(w: ByteWriter, link: Link): void {
    const start = w.startLength();
    const { context } = link;
    bytesOfHex(w, FIELD_1, context.traceId);
    bytesOfHex(w, FIELD_2, context.spanId);
    const traceState = context.traceState?.serialize();
    if (traceState) string(w, FIELD_3, traceState);
    if (link.attributes) this.attributes(w, link.attributes, tag(4, LENGTH_DELIMITED));
    w.byte(tag(5, 0));
    w.varint(link.droppedAttributesCount || 0);
    w.byte(tag(6, 5));
    w.fixed32(flags(context.traceFlags, context.isRemote));
    w.finishLength(start);
  }

  /** Repeated `KeyValue` under `fieldTag`. */
  private attributes(w: ByteWriter, attributes: Attributes, fieldTag: number): void {
    for (const key in attributes) {
      if (!hasOwn.call(attributes, key)) continue;
      w.byte(fieldTag);
      const keyValue = w.startLength();
      this.keys.write(w, key, keyField);
      w.byte(FIELD_2);
      const value = w.startLength();
      anyValue(w, attributes[key]);
      w.finishLength(value);
      w.finishLength(keyValue);
    }
  }
}

const keyField = (w: ByteWriter, key: string) => string(w, FIELD_1, key);

function string(w: ByteWriter, fieldTag: number, value: string): void {
  w.byte(fieldTag);
  const start = w.startLength();
  w.utf8(value);
  w.finishLength(start);
}

function bytesOfHex(w: ByteWriter, fieldTag: number, hex: string): void {
  w.byte(fieldTag);
  w.varint(hex.length / 2);
  w.hex(hex);
}

function flags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | HAS_IS_REMOTE | (isRemote ? IS_REMOTE : 0);
}

function status(w: ByteWriter, value: SpanStatus): void {
  const start = w.startLength();
  if (value.message) string(w, FIELD_2, value.message);
  w.byte(tag(3, 0));
  w.varint(value.code);
  w.finishLength(start);
}

/** The fields of an `AnyValue`, as `writeAnyValue` of the SDK writes them; nothing for a type it does not know. */
function anyValue(w: ByteWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      string(w, FIELD_1, value);
      return;
    case 'boolean':
      w.byte(tag(2, 0));
      w.byte(value ? 1 : 0);
      return;
    case 'number':
      if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
        w.byte(tag(3, 0));
        w.varint(value);
      } else {
        w.byte(tag(4, 1));
        w.double(value);
      }
      return;
  }
  if (value instanceof Uint8Array) {
    w.byte(tag(7, LENGTH_DELIMITED));
    w.varint(value.length);
    w.bytes(value);
  } else if (Array.isArray(value)) {
    w.byte(tag(5, LENGTH_DELIMITED));
    const array = w.startLength();
    for (const item of value) {
      w.byte(FIELD_1);
      const start = w.startLength();
      anyValue(w, item);
      w.finishLength(start);
    }
    w.finishLength(array);
  } else if (typeof value === 'object' && value !== null) {
    w.byte(tag(6, LENGTH_DELIMITED));
    const list = w.startLength();
    const entries = value as Record<string, unknown>;
    for (const key in entries) {
      if (!hasOwn.call(entries, key)) continue;
      w.byte(FIELD_1);
      const keyValue = w.startLength();
      string(w, FIELD_1, key);
      w.byte(FIELD_2);
      const start = w.startLength();
      anyValue(w, entries[key]);
      w.finishLength(start);
      w.finishLength(keyValue);
    }
    w.finishLength(list);
  }
}
