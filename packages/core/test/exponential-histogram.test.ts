import {
  AggregationType,
  DataPointType,
  MeterProvider,
  MetricReader,
  type ExponentialHistogram as SdkHistogram,
} from '@opentelemetry/sdk-metrics';
import { expect, it } from 'vitest';
import { ExponentialHistogram, indexOf } from '../src/metrics/exponential-histogram';

class ManualReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

/** What the OpenTelemetry SDK's own exponential histogram aggregation makes of `values`. */
async function sdkHistogramOf(values: number[]): Promise<SdkHistogram> {
  const reader = new ManualReader({ aggregationSelector: () => ({ type: AggregationType.EXPONENTIAL_HISTOGRAM }) });
  const provider = new MeterProvider({ readers: [reader] });
  const histogram = provider.getMeter('test').createHistogram('h');
  for (const value of values) histogram.record(value);
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics[0]!.metrics[0]!;
  expect(metric.dataPointType).toBe(DataPointType.EXPONENTIAL_HISTOGRAM);
  await provider.shutdown();
  return metric.dataPoints[0]!.value as SdkHistogram;
}

function ours(values: number[]) {
  const histogram = new ExponentialHistogram();
  for (const value of values) histogram.record(value);
  return histogram.snapshot();
}

// A fixed sequence of numbers in [0, 1) (a linear congruential generator), for repeatable cases.
let state = 11;
const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
const cases: [string, number[]][] = [
  ['one value', [0.000051]],
  ['durations of a fast in-process model, 20-200 µs', Array.from({ length: 2000 }, () => 0.00002 + random() * 0.00018)],
  ['durations from 10 µs to 10 s, log-uniform', Array.from({ length: 5000 }, () => 10 ** (-5 + 6 * random()))],
  ['powers of two and their neighbours', [0.25, 0.5, 1, 2, 4, 0.25 * (1 + 2 ** -52), 4 * (1 - 2 ** -53)]],
  ['zeros among the values', [0, 0, 0.001, 0.002, 0]],
];

it.each(cases)('buckets %s exactly as the SDK does', async (_, values) => {
  const expected = await sdkHistogramOf(values);
  const actual = ours(values);
  expect(actual.scale).toBe(expected.scale);
  expect(actual.positive).toEqual(expected.positive);
  expect(actual.zeroCount).toBe(expected.zeroCount);
  expect(actual.count).toBe(expected.count);
  expect(actual.sum).toBeCloseTo(expected.sum!, 12);
  expect([actual.min, actual.max]).toEqual([expected.min, expected.max]);
});

it('keeps at most 160 buckets however wide the values range', () => {
  const snapshot = ours([1e-9, 1e-3, 1, 1e3, 1e9]);
  expect(snapshot.positive.bucketCounts.length).toBeLessThanOrEqual(160);
  expect(snapshot.positive.bucketCounts.reduce((a, b) => a + b, 0)).toBe(5);
});

it('puts a power of two in the bucket it closes', () => {
  // At scale 0, bucket i holds (2^i, 2^(i+1)]: 4 closes bucket 1, a little more opens bucket 2.
  expect(indexOf(4, 0)).toBe(1);
  expect(indexOf(4 * (1 + 2 ** -52), 0)).toBe(2);
  expect(indexOf(4, 3)).toBe(15);
});

it('ignores negative, NaN and infinite values', () => {
  const snapshot = ours([-1, Number.NaN, Number.POSITIVE_INFINITY, 0.5]);
  expect(snapshot.count).toBe(1);
  expect(snapshot.sum).toBe(0.5);
});
