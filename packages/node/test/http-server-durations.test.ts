import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { HttpServerDurations } from '../src/instrumentations/http-server-durations';
import { PrometheusReader } from '../src/metrics/prometheus-reader';
import { PrometheusTextSerializer } from '../src/metrics/prometheus-text';

/** The `/metrics` text of a Prometheus reader fed by `durations`. */
async function scrape(durations: HttpServerDurations): Promise<string> {
  const reader = new PrometheusReader([durations.producer('explicit')], 2000);
  new MeterProvider({ readers: [reader] });
  const { resourceMetrics } = await reader.collect();
  return new PrometheusTextSerializer(() => {}).serialize(resourceMetrics);
}

const lines = (text: string, prefix: string) => text.split('\n').filter((line) => line.startsWith(prefix));

describe('HttpServerDurations', () => {
  it('exports http_server_request_duration per method, route and status, with the labels of instrumentation-http', async () => {
    const durations = new HttpServerDurations(2000, { explicit: true, exponential: false });
    durations.record('POST', 'http', '1.1', 200, '/predict', 0.003);
    durations.record('POST', 'http', '1.1', 200, '/predict', 0.02);
    durations.record('GET', 'http', '1.1', 503, '/models/:name', 0.2);
    durations.record('GET', 'http', '1.1', 404, undefined, 0.001);
    const text = await scrape(durations);
    const counts = lines(text, 'http_server_request_duration_count');
    expect(counts).toHaveLength(3);
    expect(counts.find((line) => line.includes('http_route="/predict"'))).toMatch(
      /http_request_method="POST".*url_scheme="http".*network_protocol_version="1.1".*http_response_status_code="200".* 2$/,
    );
    expect(counts.find((line) => line.includes('http_route="/models/:name"'))).toContain('error_type="503"');
    expect(counts.find((line) => !line.includes('http_route'))).toMatch(/http_response_status_code="404".* 1$/);
    // The bounds instrumentation-http advises: 5 ms … 10 s.
    const predictBuckets = lines(text, 'http_server_request_duration_bucket').filter((line) =>
      line.includes('/predict'),
    );
    expect(predictBuckets.find((line) => line.includes('le="0.005"'))).toMatch(/ 1$/);
    expect(predictBuckets.find((line) => line.includes('le="0.025"'))).toMatch(/ 2$/);
    expect(lines(text, 'http_server_request_duration_sum').find((line) => line.includes('/predict'))).toMatch(
      / 0.023$/,
    );
  });

  it('tells apart requests that follow each other and differ in one attribute only', async () => {
    const durations = new HttpServerDurations(2000, { explicit: true, exponential: false });
    type Labels = [method: string, scheme: string, version: string, status: number, route: string | undefined];
    const base: Labels = ['GET', 'http', '1.1', 200, '/a'];
    const variants: Labels[] = [
      ['POST', 'http', '1.1', 200, '/a'],
      ['GET', 'https', '1.1', 200, '/a'],
      ['GET', 'http', '2', 200, '/a'],
      ['GET', 'http', '1.1', 404, '/a'],
      ['GET', 'http', '1.1', 200, '/b'],
      ['GET', 'http', '1.1', 200, undefined],
    ];
    for (const variant of variants) {
      durations.record(...base, 0.01);
      durations.record(...variant, 0.01);
      durations.record(...variant, 0.01);
    }
    const counts = lines(await scrape(durations), 'http_server_request_duration_count');
    expect(counts).toHaveLength(7);
    expect(counts.filter((line) => line.endsWith(' 2'))).toHaveLength(6);
    expect(
      counts.find(
        (line) =>
          line.includes('http_request_method="GET"') &&
          line.includes('http_route="/a"') &&
          line.includes('url_scheme="http"') &&
          line.includes('network_protocol_version="1.1"') &&
          line.includes('status_code="200"'),
      ),
    ).toMatch(/ 6$/);
  });

  it('keeps at most cardinalityLimit series, the last one counting every further set as otel_metric_overflow', async () => {
    const durations = new HttpServerDurations(3, { explicit: true, exponential: false });
    for (const route of ['/a', '/b', '/c', '/d', '/a']) durations.record('GET', 'http', '1.1', 200, route, 0.01);
    const counts = lines(await scrape(durations), 'http_server_request_duration_count');
    expect(counts).toHaveLength(3);
    expect(counts.find((line) => line.includes('"/a"'))).toMatch(/ 2$/);
    expect(counts.find((line) => line.includes('otel_metric_overflow="true"'))).toMatch(/ 2$/);
    expect(counts.some((line) => line.includes('"/c"') || line.includes('"/d"'))).toBe(false);
  });

  it('hands an OTLP reader exponential histograms when asked, resolving the microseconds of a fast request', async () => {
    const durations = new HttpServerDurations(2000, { explicit: false, exponential: true });
    durations.record('POST', 'http', '1.1', 200, '/predict', 0.00004);
    durations.record('POST', 'http', '1.1', 200, '/predict', 0.00005);
    const { resourceMetrics } = await durations.producer('exponential').collect();
    const [metric] = resourceMetrics.scopeMetrics[0]!.metrics;
    expect(resourceMetrics.scopeMetrics[0]!.scope.name).toBe('@opentelemetry/instrumentation-http');
    expect(metric!.descriptor).toMatchObject({ name: 'http.server.request.duration', unit: 's' });
    const value = metric!.dataPoints[0]!.value as {
      count: number;
      min: number;
      max: number;
      positive: { bucketCounts: number[] };
    };
    expect(value).toMatchObject({ count: 2, min: 0.00004, max: 0.00005 });
    // 40 µs and 50 µs land in buckets of their own.
    expect(value.positive.bucketCounts.filter((count) => count > 0)).toEqual([1, 1]);
  });

  it('records nothing when no reader takes the metric', async () => {
    const durations = new HttpServerDurations(2000, { explicit: false, exponential: false });
    durations.record('GET', 'http', '1.1', 200, '/', 0.01);
    const { resourceMetrics } = await durations.producer('explicit').collect();
    expect(resourceMetrics.scopeMetrics).toEqual([]);
  });
});
