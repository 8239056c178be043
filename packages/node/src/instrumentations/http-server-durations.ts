import { type Attributes, type Histogram, type MeterProvider, metrics, ValueType } from '@opentelemetry/api';
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
export const HTTP_DURATION_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * `http.server.request.duration` by method, scheme, protocol version, status code and route (and
 * `error.type` for a 5xx), with the attributes of the conventions. The attribute set of each series is
 * built once and reused: a request allocates a key, not an attribute object. At most `maxSeries` sets
 * are kept; the SDK folds what lies beyond its cardinality limit into its overflow series.
 */
export class HttpServerDurations {
  private histogram: Histogram;
  private readonly series = new Map<string, Attributes>();

  constructor(private readonly maxSeries: number) {
    this.histogram = histogramOf(metrics.getMeterProvider());
  }

  /** Records on the meter provider's instrument from now on. */
  setMeterProvider(meterProvider: MeterProvider): void {
    this.histogram = histogramOf(meterProvider);
  }

  record(
    method: string,
    scheme: string,
    protocolVersion: string,
    status: number,
    route: string | undefined,
    seconds: number,
  ): void {
    const key = `${method} ${status} ${scheme} ${protocolVersion} ${route ?? ''}`;
    let attributes = this.series.get(key);
    if (attributes === undefined) {
      attributes = {
        [ATTR_HTTP_REQUEST_METHOD]: method,
        [ATTR_URL_SCHEME]: scheme,
        [ATTR_NETWORK_PROTOCOL_VERSION]: protocolVersion,
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: status,
      };
      if (route !== undefined) attributes[ATTR_HTTP_ROUTE] = route;
      if (status >= 500) attributes[ATTR_ERROR_TYPE] = String(status);
      if (this.series.size < this.maxSeries) this.series.set(key, attributes);
    }
    this.histogram.record(seconds, attributes);
  }
}

function histogramOf(meterProvider: MeterProvider): Histogram {
  return meterProvider.getMeter(HTTP_SCOPE, VERSION).createHistogram(METRIC_HTTP_SERVER_REQUEST_DURATION, {
    description: 'Duration of HTTP server requests.',
    unit: 's',
    valueType: ValueType.DOUBLE,
    advice: { explicitBucketBoundaries: HTTP_DURATION_BOUNDS },
  });
}
