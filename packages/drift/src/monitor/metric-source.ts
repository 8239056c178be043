import type { Attributes } from '@opentelemetry/api';

/** One series of a {@link MetricFamily}. */
export interface MetricPoint {
  readonly attributes: Attributes;
  readonly value: number;
}

/** The series one source reports under one instrument name at a collection. */
export interface MetricFamily {
  readonly name: string;
  readonly description: string;
  readonly kind: 'gauge' | 'counter';
  /** When counting started (milliseconds since the epoch): the start of cumulative counters. */
  readonly startTimeMs: number;
  readonly points: MetricPoint[];
}

/** Something that reports its series when metrics are collected, without instruments of the SDK. */
export interface MetricSource {
  readonly scope: { readonly name: string; readonly version?: string };
  collect(): readonly MetricFamily[];
}

/**
 * Where sources register to be exported. The preload `@modelsight/node` puts one on `globalThis` under
 * this registered symbol when it owns the global meter provider; a monitor created without a `meter`
 * then reports through it, straight into the data the exporters read. Handing values to the SDK through
 * observable instruments costs about 3 µs per series at every collection (two hashes of the attribute
 * set, several map updates); a monitor has tens of series per feature, all with fixed attributes.
 */
export interface MetricSourceHub {
  /** Registers a source; returns the function that removes it. */
  add(source: MetricSource): () => void;
}

/** The key of the hub on `globalThis`; the preload defines the same. */
export const METRIC_SOURCE_HUB_KEY = Symbol.for('@modelsight/metric-source-hub.v1');

/** The hub the preload installed, if any. */
export function metricSourceHub(): MetricSourceHub | undefined {
  const hub = (globalThis as { [METRIC_SOURCE_HUB_KEY]?: MetricSourceHub })[METRIC_SOURCE_HUB_KEY];
  return hub !== undefined && typeof hub.add === 'function' ? hub : undefined;
}
