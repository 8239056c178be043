import type { Attributes, HrTime, Link, SpanContext, SpanKind, SpanStatus } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

/**
 * What the exporter needs of an ended span, as plain data that crosses to the export thread by structured
 * clone: no methods, no resource (sent once per batch), the trace state and links' trace states as
 * strings. The attribute, event and scope objects are the span's own (not copied here: the clone copies
 * them, and objects shared by several spans of one batch, such as the scope, are written once).
 */
export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: SpanKind;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly attributes: Attributes;
  readonly scope: InstrumentationScope;
  /** What most spans do not have, left out when none of it is set: fewer fields to clone. */
  readonly rare: RareFields | undefined;
}

/** The parts of a span that are usually empty, unset or zero. */
export interface RareFields {
  /** Serialized W3C trace state, when there is one. */
  readonly traceState: string | undefined;
  readonly parentIsRemote: boolean | undefined;
  readonly droppedAttributesCount: number;
  readonly events: TimedEvent[];
  readonly droppedEventsCount: number;
  readonly links: LinkRecord[];
  readonly droppedLinksCount: number;
  readonly status: SpanStatus;
}

/** A link, its span context as data. */
export interface LinkRecord {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  readonly traceState: string | undefined;
  readonly isRemote: boolean | undefined;
  readonly attributes: Attributes | undefined;
  readonly droppedAttributesCount: number | undefined;
}

/** The resource of a batch, as data. */
export interface ResourceRecord {
  readonly attributes: Attributes;
  readonly schemaUrl: string | undefined;
}

const UNSET: SpanStatus = { code: 0 };
const NO_EVENTS: TimedEvent[] = [];
const NO_LINKS: LinkRecord[] = [];
const NO_RARE_FIELDS: RareFields = {
  traceState: undefined,
  parentIsRemote: undefined,
  droppedAttributesCount: 0,
  events: NO_EVENTS,
  droppedEventsCount: 0,
  links: NO_LINKS,
  droppedLinksCount: 0,
  status: UNSET,
};

/** The record of an ended span: a handful of field reads, nothing copied. */
export function toSpanRecord(span: ReadableSpan): SpanRecord {
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  const rare =
    context.traceState === undefined &&
    parent?.isRemote !== true &&
    span.droppedAttributesCount === 0 &&
    span.events.length === 0 &&
    span.droppedEventsCount === 0 &&
    span.links.length === 0 &&
    span.droppedLinksCount === 0 &&
    span.status.code === 0 &&
    span.status.message === undefined
      ? undefined
      : {
          traceState: context.traceState?.serialize(),
          parentIsRemote: parent?.isRemote,
          droppedAttributesCount: span.droppedAttributesCount,
          events: span.events,
          droppedEventsCount: span.droppedEventsCount,
          links: span.links.length === 0 ? NO_LINKS : span.links.map(toLinkRecord),
          droppedLinksCount: span.droppedLinksCount,
          status: span.status,
        };
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    traceFlags: context.traceFlags,
    parentSpanId: parent?.spanId,
    name: span.name,
    kind: span.kind,
    startTime: span.startTime,
    endTime: span.endTime,
    attributes: span.attributes,
    scope: span.instrumentationScope,
    rare,
  };
}

function toLinkRecord(link: Link): LinkRecord {
  const { context } = link;
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    traceFlags: context.traceFlags,
    traceState: context.traceState?.serialize(),
    isRemote: context.isRemote,
    attributes: link.attributes,
    droppedAttributesCount: link.droppedAttributesCount,
  };
}

/** The resource of a span as data. */
export function toResourceRecord(resource: Resource): ResourceRecord {
  return { attributes: resource.attributes, schemaUrl: resource.schemaUrl };
}

/** A trace state that only serializes to the string it was made from: all the OTLP transformer asks of it. */
function traceStateOf(serialized: string | undefined): SpanContext['traceState'] {
  if (serialized === undefined) return undefined;
  const serialize = () => serialized;
  return { serialize } as SpanContext['traceState'];
}

/**
 * A `ReadableSpan` rebuilt from a record on the export thread, with what the OTLP transformer of
 * `@opentelemetry/otlp-transformer` reads of it; `resource` is shared by the spans of a batch, so that
 * they are grouped under one resource.
 */
export function fromSpanRecord(record: SpanRecord, resource: Resource): ReadableSpan {
  const rare = record.rare ?? NO_RARE_FIELDS;
  const context: SpanContext = {
    traceId: record.traceId,
    spanId: record.spanId,
    traceFlags: record.traceFlags,
    traceState: traceStateOf(rare.traceState),
  };
  const parentSpanContext: SpanContext | undefined =
    record.parentSpanId === undefined
      ? undefined
      : {
          traceId: record.traceId,
          spanId: record.parentSpanId,
          traceFlags: record.traceFlags,
          isRemote: rare.parentIsRemote,
        };
  return {
    name: record.name,
    kind: record.kind,
    spanContext: () => context,
    parentSpanContext,
    startTime: record.startTime,
    endTime: record.endTime,
    status: rare.status,
    attributes: record.attributes,
    links: rare.links.map((link) => ({
      context: {
        traceId: link.traceId,
        spanId: link.spanId,
        traceFlags: link.traceFlags,
        traceState: traceStateOf(link.traceState),
        isRemote: link.isRemote,
      },
      attributes: link.attributes,
      droppedAttributesCount: link.droppedAttributesCount,
    })),
    events: rare.events,
    duration: [record.endTime[0] - record.startTime[0], record.endTime[1] - record.startTime[1]],
    ended: true,
    resource,
    instrumentationScope: record.scope,
    droppedAttributesCount: rare.droppedAttributesCount,
    droppedEventsCount: rare.droppedEventsCount,
    droppedLinksCount: rare.droppedLinksCount,
  };
}
