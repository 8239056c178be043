import { buildProfile, DriftMonitor } from '@modelsight/drift';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterAll, expect, it } from 'vitest';
import { installMetricSourceHub } from '../src/metrics/metric-source-hub';
import { PrometheusReader } from '../src/metrics/prometheus-reader';
import { PrometheusTextSerializer } from '../src/metrics/prometheus-text';

const HUB_KEY = Symbol.for('@modelsight/metric-source-hub.v1');
afterAll(() => {
  delete (globalThis as Record<symbol, unknown>)[HUB_KEY];
});

const rows = Array.from({ length: 200 }, (_, i) => ({
  x: (i % 17) / 10,
  kind: ['a', 'b', 'c'][i % 3],
  'prediction.confidence': (i % 10) / 10,
}));
const profile = buildProfile(rows);
const model = { name: 'iris', version: '1.0.0' };
const feed = (monitor: DriftMonitor) => {
  for (let i = 0; i < 300; i++)
    monitor.observe({ x: (i % 23) / 10, kind: i % 7 === 0 ? 'z' : 'a' }, { confidence: (i % 9) / 10 });
  monitor.observe({ x: 'wide' });
};

/** The lines of the drift families, without the scope label (the hub path names no meter version either). */
const driftLines = (text: string) => text.split('\n').filter((line) => line.includes('ml_d') && !line.startsWith('#'));

it('a monitor reporting through the hub exports the same lines as one reporting through observable instruments', async () => {
  const sdkReader = new PrometheusReader([], 2000);
  const sdkProvider = new MeterProvider({ readers: [sdkReader] });
  const throughSdk = new DriftMonitor({ model, profile, meter: sdkProvider.getMeter('@modelsight/drift') });

  const hub = installMetricSourceHub();
  const hubReader = new PrometheusReader([hub.producer(2000)], 2000);
  const hubProvider = new MeterProvider({ readers: [hubReader] });
  const throughHub = new DriftMonitor({ model, profile });
  feed(throughSdk);
  feed(throughHub);

  const text = async (reader: PrometheusReader) =>
    new PrometheusTextSerializer().serialize((await reader.collect()).resourceMetrics);
  const expected = driftLines(await text(sdkReader));
  expect(expected.length).toBeGreaterThan(60);
  expect(driftLines(await text(hubReader))).toEqual(expected);
  throughHub.close();
  expect(driftLines(await text(hubReader))).toEqual([]);
  await Promise.all([sdkProvider.shutdown(), hubProvider.shutdown()]);
});

it('keeps at most the limit of series per metric across monitors, the rest in one overflow series', async () => {
  const hub = installMetricSourceHub();
  const reader = new PrometheusReader([hub.producer(10)], 10);
  const provider = new MeterProvider({ readers: [reader] });
  const monitors = ['1', '2', '3'].map((version) => new DriftMonitor({ model: { name: 'iris', version }, profile }));
  for (const monitor of monitors) feed(monitor);
  const lines = new PrometheusTextSerializer().serialize((await reader.collect()).resourceMetrics).split('\n');
  const bins = lines.filter((line) => line.startsWith('ml_drift_bin_total{'));
  expect(bins).toHaveLength(10);
  // 3 monitors × (x: 12 bins + kind: 4 + confidence: 12) = 84 series; 9 of their own, the overflow holds the others' counts.
  const overflow = bins.find((line) => line.includes('otel_metric_overflow="true"'))!;
  const total = (list: string[]) => list.reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  expect(total(bins)).toBe(3 * (300 + 300 + 300));
  expect(Number(overflow.split(' ').pop())).toBeGreaterThan(0);
  for (const monitor of monitors) monitor.close();
  await provider.shutdown();
});
