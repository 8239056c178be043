import type { Attributes, Link } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { ByteWriter } from './byte-writer';
import { EncodedPieces } from './encoded-pieces';
import { writeNanosAsJsonString } from './hr-time';
import type { EncodedScope, OtlpFormat, SpanGroups } from './span-batch';

const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const hasOwn = Object.prototype.hasOwnProperty;

/** The UTF-8 bytes of the JSON text that recurs between the values, made once. */
const text = (value: string) => Buffer.from(value, 'utf8');
const REQUEST_START = text('{"resourceSpans":[');
const RESOURCE_START = text('{"resource":');
const SCOPE_SPANS = text(',"scopeSpans":[');
const SCOPE_START = text('{"scope":');
const SPANS = text(',"spans":[');
const SCHEMA_URL = text(',"schemaUrl":');
const TRACE_ID = text('{"traceId":');
const SPAN_ID = text(',"spanId":');
const PARENT_SPAN_ID = text(',"parentSpanId":');
const TRACE_STATE = text(',"traceState":');
const NAME = text(',"name":');
const KIND = text(',"kind":');
const START_TIME = text(',"startTimeUnixNano":');
const END_TIME = text(',"endTimeUnixNano":');
const ATTRIBUTES = text(',"attributes":[');
const DROPPED_ATTRIBUTES = text('],"droppedAttributesCount":');
const EVENTS = text(',"events":[');
const DROPPED_EVENTS = text('],"droppedEventsCount":');
const STATUS = text(',"status":{"code":');
const MESSAGE = text(',"message":');
const LINKS = text('},"links":[');
const DROPPED_LINKS = text('],"droppedLinksCount":');
const FLAGS = text(',"flags":');
const NO_EVENTS_TO_STATUS = text('],"droppedAttributesCount":0,"events":[],"droppedEventsCount":0,"status":{"code":');
const NO_LINKS_TO_FLAGS = text('},"links":[],"droppedLinksCount":0,"flags":');
const EVENT_START = text('{"attributes":[');
const EVENT_NAME = text('],"name":');
const EVENT_TIME = text(',"timeUnixNano":');
const EVENT_DROPPED = text(',"droppedAttributesCount":');
const LINK_START = text('{"attributes":[');
const LINK_SPAN_ID = text('],"spanId":');
const LINK_TRACE_ID = text(',"traceId":');
const STRING_VALUE = text('"stringValue":');
const INT_VALUE = text('"intValue":');
const DOUBLE_VALUE = text('"doubleValue":');
const TRUE = text('"boolValue":true');
const FALSE = text('"boolValue":false');
const BYTES_VALUE = text('"bytesValue":');
const ARRAY_VALUE = text('"arrayValue":{"values":[');
const KVLIST_VALUE = text('"kvlistValue":{"values":[');
const LIST_END = text(']}');
const VALUE_END = text('}}');
const NULL = text('null');

/**
 * OTLP/JSON `ExportTraceServiceRequest` bodies: byte for byte the JSON document of `JsonTraceSerializer` of
 * `@opentelemetry/otlp-transformer` (hexadecimal identifiers, timestamps as decimal strings, the same members
 * in the same order), written as bytes instead of built as objects and stringified, with the keys, scopes
 * and resources encoded once.
 */
export class OtlpJsonFormat implements OtlpFormat {
  readonly contentType = 'application/json';
  private readonly keys = new EncodedPieces<string>();
  private readonly scopes = new EncodedPieces<EncodedScope>();
  private readonly resources = new EncodedPieces<Resource>();

  writeSpan(w: ByteWriter, span: ReadableSpan, first: boolean): void {
    if (!first) w.byte(COMMA);
    this.span(w, span);
  }

  writeRequest(w: ByteWriter, groups: SpanGroups): void {
    w.bytes(REQUEST_START);
    let firstResource = true;
    for (const [resource, scopes] of groups) {
      if (!firstResource) w.byte(COMMA);
      firstResource = false;
      w.bytes(RESOURCE_START);
      // Attributes still being detected may change: such a resource is written each time until they are in.
      if (resource.asyncAttributesPending) this.resource(w, resource);
      else this.resources.write(w, resource, this.resource);
      w.bytes(SCOPE_SPANS);
      let firstScope = true;
      for (const [scope, spans] of scopes) {
        if (!firstScope) w.byte(COMMA);
        firstScope = false;
        w.bytes(SCOPE_START);
        this.scopes.write(w, scope, this.scope);
        w.bytes(SPANS);
        w.bytes(spans.written());
        w.byte(0x5d);
        if (scope.schemaUrl !== undefined) {
          w.bytes(SCHEMA_URL);
          jsonString(w, scope.schemaUrl);
        }
        w.byte(0x7d);
      }
      w.byte(0x5d);
      if (resource.schemaUrl) {
        w.bytes(SCHEMA_URL);
        jsonString(w, resource.schemaUrl);
      }
      w.byte(0x7d);
    }
    w.bytes(LIST_END);
  }

  private readonly resource = (w: ByteWriter, resource: Resource): void => {
    w.ascii('{"attributes":[');
    this.attributes(w, resource.attributes);
    w.ascii('],"droppedAttributesCount":0');
    if (resource.schemaUrl) {
      w.bytes(SCHEMA_URL);
      jsonString(w, resource.schemaUrl);
    }
    w.byte(0x7d);
  };

  private readonly scope = (w: ByteWriter, scope: EncodedScope): void => {
    w.ascii('{"name":');
    jsonString(w, scope.name);
    if (scope.version !== undefined) {
      w.ascii(',"version":');
      jsonString(w, scope.version);
    }
    if (scope.attributes && Object.keys(scope.attributes).length > 0) {
      w.bytes(ATTRIBUTES);
      this.attributes(w, scope.attributes);
      w.bytes(DROPPED_ATTRIBUTES);
      jsonNumber(w, scope.droppedAttributesCount ?? 0);
    }
    w.byte(0x7d);
  };

  private span(w: ByteWriter, span: ReadableSpan): void {
    const context = span.spanContext();
    const parent = span.parentSpanContext;
    w.bytes(TRACE_ID);
    jsonString(w, context.traceId);
    w.bytes(SPAN_ID);
    jsonString(w, context.spanId);
    if (parent?.spanId) {
      w.bytes(PARENT_SPAN_ID);
      jsonString(w, parent.spanId);
    }
    const traceState = context.traceState?.serialize();
    if (traceState !== undefined) {
      w.bytes(TRACE_STATE);
      jsonString(w, traceState);
    }
    w.bytes(NAME);
    jsonString(w, span.name);
    w.bytes(KIND);
    w.decimal(span.kind == null ? 0 : span.kind + 1);
    w.bytes(START_TIME);
    writeNanosAsJsonString(w, span.startTime);
    w.bytes(END_TIME);
    writeNanosAsJsonString(w, span.endTime);
    w.bytes(ATTRIBUTES);
    this.attributes(w, span.attributes);
    if (span.droppedAttributesCount === 0 && span.events.length === 0 && span.droppedEventsCount === 0) {
      // What most spans have between their attributes and their status code, in one piece.
      w.bytes(NO_EVENTS_TO_STATUS);
    } else {
      w.bytes(DROPPED_ATTRIBUTES);
      jsonNumber(w, span.droppedAttributesCount);
      w.bytes(EVENTS);
      for (let i = 0; i < span.events.length; i++) {
        if (i > 0) w.byte(COMMA);
        this.event(w, span.events[i] as TimedEvent);
      }
      w.bytes(DROPPED_EVENTS);
      jsonNumber(w, span.droppedEventsCount);
      w.bytes(STATUS);
    }
    jsonNumber(w, span.status.code);
    if (span.status.message === undefined && span.links.length === 0 && span.droppedLinksCount === 0) {
      // Likewise between the status code and the flags.
      w.bytes(NO_LINKS_TO_FLAGS);
    } else {
      if (span.status.message !== undefined) {
        w.bytes(MESSAGE);
        jsonString(w, span.status.message);
      }
      w.bytes(LINKS);
      for (let i = 0; i < span.links.length; i++) {
        if (i > 0) w.byte(COMMA);
        this.link(w, span.links[i] as Link);
      }
      w.bytes(DROPPED_LINKS);
      jsonNumber(w, span.droppedLinksCount);
      w.bytes(FLAGS);
    }
    w.decimal(flags(context.traceFlags, parent?.isRemote));
    w.byte(0x7d);
  }

  private event(w: ByteWriter, event: TimedEvent): void {
    w.bytes(EVENT_START);
    if (event.attributes) this.attributes(w, event.attributes);
    w.bytes(EVENT_NAME);
    jsonString(w, event.name);
    w.bytes(EVENT_TIME);
    writeNanosAsJsonString(w, event.time);
    w.bytes(EVENT_DROPPED);
    jsonNumber(w, event.droppedAttributesCount || 0);
    w.byte(0x7d);
  }

  private link(w: ByteWriter, link: Link): void {
    const { context } = link;
    w.bytes(LINK_START);
    if (link.attributes) this.attributes(w, link.attributes);
    w.bytes(LINK_SPAN_ID);
    jsonString(w, context.spanId);
    w.bytes(LINK_TRACE_ID);
    jsonString(w, context.traceId);
    const traceState = context.traceState?.serialize();
    if (traceState !== undefined) {
      w.bytes(TRACE_STATE);
      jsonString(w, traceState);
    }
    w.bytes(EVENT_DROPPED);
    jsonNumber(w, link.droppedAttributesCount || 0);
    w.bytes(FLAGS);
    w.decimal(flags(context.traceFlags, context.isRemote));
    w.byte(0x7d);
  }

  /** The `KeyValue` objects of `attributes`, comma-separated. */
  private attributes(w: ByteWriter, attributes: Attributes): void {
    let first = true;
    for (const key in attributes) {
      if (!hasOwn.call(attributes, key)) continue;
      if (!first) w.byte(COMMA);
      first = false;
      this.keys.write(w, key, keyStart);
      anyValue(w, attributes[key]);
      w.bytes(VALUE_END);
    }
  }
}

const keyStart = (w: ByteWriter, key: string) => {
  w.ascii('{"key":');
  jsonString(w, key);
  w.ascii(',"value":{');
};

function flags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | HAS_IS_REMOTE | (isRemote ? IS_REMOTE : 0);
}

/** A string as `JSON.stringify` writes it, in UTF-8; written directly when nothing in it needs escaping. */
function jsonString(w: ByteWriter, value: string): void {
  const length = value.length;
  w.ensure(length + 2);
  const buffer = w.buffer;
  const start = w.pos;
  let pos = start;
  buffer[pos++] = QUOTE;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === QUOTE || code === BACKSLASH || code >= 0x80) {
      w.pos = start;
      w.utf8(JSON.stringify(value));
      return;
    }
    buffer[pos++] = code;
  }
  buffer[pos++] = QUOTE;
  w.pos = pos;
}

/** A number as `JSON.stringify` writes it (`null` when not finite). */
function jsonNumber(w: ByteWriter, value: number): void {
  if (Number.isFinite(value)) w.decimal(value);
  else w.bytes(NULL);
}

/** The members of an `AnyValue`, as `toAnyValue` of the SDK makes them; none for a type it does not know. */
function anyValue(w: ByteWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      w.bytes(STRING_VALUE);
      jsonString(w, value);
      return;
    case 'number':
      w.bytes(Number.isInteger(value) ? INT_VALUE : DOUBLE_VALUE);
      jsonNumber(w, value);
      return;
    case 'boolean':
      w.bytes(value ? TRUE : FALSE);
      return;
  }
  if (value instanceof Uint8Array) {
    w.bytes(BYTES_VALUE);
    jsonString(w, Buffer.from(value).toString('base64'));
  } else if (Array.isArray(value)) {
    w.bytes(ARRAY_VALUE);
    for (let i = 0; i < value.length; i++) {
      if (i > 0) w.byte(COMMA);
      w.byte(0x7b);
      anyValue(w, value[i]);
      w.byte(0x7d);
    }
    w.bytes(LIST_END);
  } else if (typeof value === 'object' && value !== null) {
    w.bytes(KVLIST_VALUE);
    const entries = value as Record<string, unknown>;
    let first = true;
    for (const key of Object.keys(entries)) {
      if (!first) w.byte(COMMA);
      first = false;
      keyStart(w, key);
      anyValue(w, entries[key]);
      w.bytes(VALUE_END);
    }
    w.bytes(LIST_END);
  }
}
