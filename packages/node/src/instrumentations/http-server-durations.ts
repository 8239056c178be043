import { type Attributes, type HrTime, ValueType } from '@opentelemetry/api';
import { ATTR_OTEL_METRIC_OVERFLOW, ExponentialHistogram, FixedHistogram } from '@modelsight/core';
import type {
  AggregationTemporality,
  CollectionResult,
  DataPointType,
  MetricData,
  MetricProducer,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_URL_SCHEME,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
} from '@opentelemetry/semantic-conventions';
import { VERSION } from '../version';

/**
 * The instrumentation scope of the HTTP server spans and of `http.server.request.duration`: they follow the
 * conventions of `@opentelemetry/instrumentation-http` (which still traces outgoing requests) and keep its
 * name, so that what queries that scope finds them.
 */
export const HTTP_SCOPE = '@opentelemetry/instrumentation-http';

/** The bounds instrumentation-http advises for `http.server.request.duration`, in seconds. */
export const HTTP_DURATION_BOUNDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

const CUMULATIVE = 1 as AggregationTemporality.CUMULATIVE;
const HISTOGRAM = 0 as DataPointType.HISTOGRAM;
const EXPONENTIAL_HISTOGRAM = 1 as DataPointType.EXPONENTIAL_HISTOGRAM;
const DESCRIPTION = 'Duration of HTTP server requests.';
const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ [ATTR_OTEL_METRIC_OVERFLOW]: true });

/** Which histograms the readers take: explicit buckets (`/metrics`, OTLP told so), base-2 exponential (OTLP). */
export interface DurationShapes {
  readonly explicit: boolean;
  readonly exponential: boolean;
}

/** One series: its attributes, fixed when it is first seen, and its running totals. */
class Series {
  readonly startTime: HrTime = hrTimeFromMs(Date.now());
  readonly explicit: FixedHistogram | undefined;
  readonly exponential: ExponentialHistogram | undefined;

  constructor(
    readonly attributes: Attributes,
    shapes: DurationShapes,
  ) {
    this.explicit = shapes.explicit ? new FixedHistogram(HTTP_DURATION_BOUNDS) : undefined;
    this.exponential = shapes.exponential ? new ExponentialHistogram() : undefined;
  }

  record(seconds: number): void {
    this.explicit?.record(seconds);
    this.exponential?.record(seconds);
  }
}

interface SeriesHit {
  readonly method: string;
  readonly scheme: string;
  readonly protocolVersion: string;
  readonly status: number;
  readonly route: string | undefined;
  readonly series: Series;
}

/**
 * `http.server.request.duration` by method, scheme, protocol version, status code and route (and
 * `error.type` for a 5xx), with the attributes of the conventions, kept as running totals per series and
 * handed to the metric readers when they collect (see {@link HttpServerDurations.producer}): a request
 * costs a few comparisons when it falls in the series of the request before it, a string key and a map
 * look-up otherwise, where the SDK's instruments hash the attribute set of every record. At most `cardinalityLimit` series, as the SDK would export: the first `cardinalityLimit - 1`
 * keep their own, the others are counted together in the series `otel.metric.overflow: true`.
 */
export class HttpServerDurations {
  private readonly series = new Map<string, Series>();
  private overflow: Series | undefined;
  private readonly on: boolean;
  // The series of the previous request and what picked it: a service's requests mostly repeat them, and
  // comparing them costs less than building the key.
  private last: SeriesHit | undefined;

  constructor(
    private readonly cardinalityLimit: number,
    private readonly shapes: DurationShapes,
  ) {
    this.on = shapes.explicit || shapes.exponential;
  }

  /** Adds one request of `seconds` to its series. */
  record(
    method: string,
    scheme: string,
    protocolVersion: string,
    status: number,
    route: string | undefined,
    seconds: number,
  ): void {
    if (!this.on) return;
    const last = this.last;
    if (
      last !== undefined &&
      last.status === status &&
      last.route === route &&
      last.method === method &&
      last.protocolVersion === protocolVersion &&
      last.scheme === scheme
    ) {
      last.series.record(seconds);
      return;
    }
    const key =
      route === undefined
        ? `${method} ${status} ${scheme} ${protocolVersion}`
        : `${method} ${status} ${scheme} ${protocolVersion} ${route}`;
    let series = this.series.get(key);
    if (series === undefined) {
      if (this.series.size >= this.cardinalityLimit - 1) {
        this.overflow ??= new Series(OVERFLOW_ATTRIBUTES, this.shapes);
        this.overflow.record(seconds);
        return;
      }
      const attributes: Attributes = {
        [ATTR_HTTP_REQUEST_METHOD]: method,
        [ATTR_URL_SCHEME]: scheme,
        [ATTR_NETWORK_PROTOCOL_VERSION]: protocolVersion,
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: status,
      };
      if (route !== undefined) attributes[ATTR_HTTP_ROUTE] = route;
      if (status >= 500) attributes[ATTR_ERROR_TYPE] = String(status);
      series = new Series(attributes, this.shapes);
      this.series.set(key, series);
    }
    this.last = { method, scheme, protocolVersion, status, route, series };
    series.record(seconds);
  }

  /**
   * A `MetricProducer` for one reader: `http.server.request.duration` with explicit buckets (the bounds
   * instrumentation-http advises) or as a base-2 exponential histogram, whichever this was built to keep.
   */
  producer(shape: 'explicit' | 'exponential'): MetricProducer {
    return {
      collect: async (): Promise<CollectionResult> => {
        const metric = this.collect(shape, hrTimeFromMs(Date.now()));
        const resourceMetrics = {
          // A MetricReader keeps the SDK's own resource and takes only the scope metrics of producers.
          resource: undefined,
          scopeMetrics: metric ? [{ scope: { name: HTTP_SCOPE, version: VERSION }, metrics: [metric] }] : [],
        } as unknown as ResourceMetrics;
        return { resourceMetrics, errors: [] };
      },
    };
  }

  private collect(shape: 'explicit' | 'exponential', endTime: HrTime): MetricData | undefined {
    const all = this.overflow ? [...this.series.values(), this.overflow] : [...this.series.values()];
    const dataPoints = [];
    for (const series of all) {
      const value = shape === 'explicit' ? explicitValue(series.explicit) : series.exponential?.snapshot();
      if (value) dataPoints.push({ attributes: series.attributes, startTime: series.startTime, endTime, value });
    }
    if (dataPoints.length === 0) return undefined;
    return {
      descriptor: {
        name: METRIC_HTTP_SERVER_REQUEST_DURATION,
        description: DESCRIPTION,
        unit: 's',
        valueType: ValueType.DOUBLE,
      },
      aggregationTemporality: CUMULATIVE,
      dataPointType: shape === 'explicit' ? HISTOGRAM : EXPONENTIAL_HISTOGRAM,
      dataPoints,
    } as MetricData;
  }
}

function explicitValue(histogram: FixedHistogram | undefined) {
  if (histogram === undefined) return undefined;
  return {
    buckets: { boundaries: [...histogram.bounds], counts: Array.from(histogram.counts) },
    sum: histogram.sum,
    count: histogram.count,
    ...(histogram.count > 0 ? { min: histogram.min, max: histogram.max } : {}),
  };
}

function hrTimeFromMs(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}
