import { resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedDataPoint } from './support/otlp-receiver';
import { predict, startPreloaded, type PreloadedService } from './support/service-process';

// How the prediction durations leave a service under the preload with OTEL_METRICS_EXPORTER=otlp: the
// real OTLP/HTTP metric exporter, pushing to a receiver on loopback on SIGTERM.
const SCRIPT = resolve(__dirname, 'fixtures/preload-service.cjs');

let service: PreloadedService | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await service?.stop();
  await receiver?.close();
  service = receiver = undefined;
});

/** The last duration point of version 1.4.0 pushed when the service ends, after `count` predictions. */
async function durationPointAfter(count: number, env: Record<string, string> = {}): Promise<ReceivedDataPoint> {
  receiver = await startOtlpReceiver();
  service = await startPreloaded({
    script: SCRIPT,
    collector: receiver.url,
    env: { OTEL_METRICS_EXPORTER: 'otlp', OTEL_METRIC_EXPORT_INTERVAL: '600000', OTEL_TRACES_EXPORTER: 'none', ...env },
  });
  for (let i = 0; i < count; i += 1) await predict(service, { petal_length: i });
  await service.exitBy('SIGTERM');
  const points = receiver
    .dataPoints()
    .filter((p) => p.name === 'ml_prediction_duration_seconds' && p.attributes['ml.model.version'] === '1.4.0');
  expect(points.length).toBeGreaterThan(0);
  return points[points.length - 1]!;
}

it('sends ml_prediction_duration_seconds as a base-2 exponential histogram by default', async () => {
  const point = await durationPointAfter(7);
  expect(point.type).toBe('exponentialHistogram');
  expect(point.value).toBe(7);
  const { scale, zeroCount, offset, bucketCounts } = point.exponential!;
  expect(zeroCount + bucketCounts.reduce((a, b) => a + b, 0)).toBe(7);
  // Bucket i holds (2^((offset+i) / 2^scale), 2^((offset+i+1) / 2^scale)] seconds: the buckets follow the
  // durations wherever they lie, microseconds included, each a few percent wide.
  const bound = (index: number) => 2 ** (index / 2 ** scale);
  expect(scale).toBeGreaterThanOrEqual(3);
  expect(bound(offset)).toBeLessThan(point.min!);
  expect(bound(offset + 1)).toBeGreaterThanOrEqual(point.min!);
  expect(bound(offset + bucketCounts.length)).toBeGreaterThanOrEqual(point.max!);
  expect(bound(offset + bucketCounts.length - 1)).toBeLessThan(point.max!);
  // The SDK's own histograms go the same way: the HTTP server duration.
  expect(
    receiver!.dataPoints().some((p) => p.name === 'http.server.request.duration' && p.type === 'exponentialHistogram'),
  ).toBe(true);
});

it('sends explicit buckets, those of MODELSIGHT_PREDICTION_DURATION_BUCKETS, when the standard variable asks for them', async () => {
  const point = await durationPointAfter(3, {
    OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION: 'explicit_bucket_histogram',
    MODELSIGHT_PREDICTION_DURATION_BUCKETS: '0.00005,0.0002,0.001,0.01',
  });
  expect(point.type).toBe('histogram');
  expect(point.explicitBounds).toEqual([0.00005, 0.0002, 0.001, 0.01]);
  expect(point.value).toBe(3);
});
