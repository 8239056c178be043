import { expect, it } from 'vitest';
import { binCounts, buildProfile, DriftMonitor, ksTest, psi, type NumericFeatureProfile } from '../src/index';
import { createTestMeter } from './support/metrics';
import { referenceProfile, rowSource } from './support/reference';

const model = { name: 'iris', version: '1.0.0' };

function monitorWith(options: Partial<ConstructorParameters<typeof DriftMonitor>[0]> = {}) {
  const { meter, collect } = createTestMeter();
  const monitor = new DriftMonitor({ model, profile: referenceProfile(), meter, ...options });
  return { monitor, collect };
}

it('reports no score before the window holds minSamples values', async () => {
  const { monitor, collect } = monitorWith();
  const next = rowSource(5);
  for (let i = 0; i < 99; i++) monitor.observe(next());
  let points = await collect();
  expect(points.filter((p) => p.metric === 'ml_drift_score')).toEqual([]);
  expect(points.filter((p) => p.metric === 'ml_drift_detected')).toEqual([]);
  expect(
    points.find((p) => p.metric === 'ml_drift_window_samples' && p.attributes['ml.feature.name'] === 'x')?.value,
  ).toBe(99);
  expect(monitor.report().features.find((f) => f.name === 'x')).toMatchObject({ ready: false, scores: {} });

  monitor.observe(next());
  points = await collect();
  const scores = points.filter((p) => p.metric === 'ml_drift_score' && p.attributes['ml.feature.name'] === 'x');
  expect(scores.map((p) => p.attributes['ml.drift.method']).sort()).toEqual(['ks', 'ks_p_value', 'psi']);
});

it('computes the window scores with the same definitions as the plain functions', () => {
  const { monitor } = monitorWith();
  const next = rowSource(6, 0.3);
  const window: number[] = [];
  for (let i = 0; i < 1500; i++) {
    const row = next();
    monitor.observe(row);
    window.push(row.x);
  }
  const recent = window.slice(-1000);
  const x = monitor.report().features.find((f) => f.name === 'x')!;
  const profileX = referenceProfile().features.find((f) => f.name === 'x') as NumericFeatureProfile;
  const counts = x.bins.map((b) => b.current * 1000);
  expect(x.windowSamples).toBe(1000);
  expect(x.scores.psi).toBeCloseTo(psi(profileX.proportions, counts), 12);
  const ks = ksTest(profileX.sample, recent);
  expect(x.scores.ks).toBe(ks.statistic);
  expect(x.scores.ks_p_value).toBe(ks.pValue);
});

it('flags a shifted numeric distribution', () => {
  const { monitor } = monitorWith();
  const next = rowSource(7, 0.75);
  for (let i = 0; i < 1000; i++) monitor.observe(next());
  const x = monitor.report().features.find((f) => f.name === 'x')!;
  expect(x.scores.psi).toBeGreaterThanOrEqual(0.2);
  expect(x.drifted).toBe(true);
  expect(x.driftedBy).toEqual(['psi']);
});

it('flags a shifted categorical distribution', () => {
  const { monitor } = monitorWith();
  for (let i = 0; i < 1000; i++) monitor.observe({ x: 0, c: i % 10 < 2 ? 'a' : i % 10 < 5 ? 'b' : 'c' });
  const c = monitor.report().features.find((f) => f.name === 'c')!;
  expect(c.scores.psi).toBeGreaterThanOrEqual(0.2);
  expect(c.scores.chi2).toBeLessThan(1e-6);
  expect(c.drifted).toBe(true);
});

it('raises at most 5% false alarms over 200 windows drawn from the reference, at the defaults', () => {
  const { monitor } = monitorWith();
  const next = rowSource(8);
  let alarms = 0;
  for (let w = 0; w < 200; w++) {
    for (let i = 0; i < 1000; i++) monitor.observe(next());
    const report = monitor.report();
    if (report.features.some((f) => f.role === 'input' && f.drifted)) alarms++;
  }
  expect(alarms / 200).toBeLessThanOrEqual(0.05);
});

it('uses the thresholds it is given, for p-values below and distances at or above', () => {
  const { monitor } = monitorWith({ thresholds: { psi: null, ks_p_value: 0.5, chi2: 1 } });
  const next = rowSource(9);
  for (let i = 0; i < 1000; i++) monitor.observe(next());
  const report = monitor.report();
  const c = report.features.find((f) => f.name === 'c')!;
  expect(c.driftedBy).toEqual(['chi2']); // every p-value of a window unlike the reference is below 1
  const x = report.features.find((f) => f.name === 'x')!;
  expect(x.driftedBy).toEqual(x.scores.ks_p_value! < 0.5 ? ['ks_p_value'] : []);
});

it('computes wasserstein and jensen_shannon when asked', () => {
  const { monitor } = monitorWith({
    numericMethods: ['wasserstein', 'jensen_shannon'],
    categoricalMethods: ['jensen_shannon'],
  });
  const next = rowSource(10, 1);
  for (let i = 0; i < 500; i++) monitor.observe(next());
  const x = monitor.report().features.find((f) => f.name === 'x')!;
  expect(Object.keys(x.scores).sort()).toEqual(['jensen_shannon', 'wasserstein']);
  expect(x.scores.wasserstein).toBeGreaterThan(0.8);
  expect(x.scores.wasserstein).toBeLessThan(1.2);
});

it('keeps only the most recent windowSize values', () => {
  const { monitor } = monitorWith({ windowSize: 300 });
  const next = rowSource(11);
  for (let i = 0; i < 5000; i++) monitor.observe(next());
  const x = monitor.report().features.find((f) => f.name === 'x')!;
  expect(x.windowSamples).toBe(300);
  expect(x.bins.reduce((s, b) => s + b.total, 0)).toBe(5000);
});

it('drops values older than windowSeconds from a time-based window', () => {
  let now = 1_000_000;
  const { monitor } = monitorWith({ windowSeconds: 60, clock: () => now });
  const next = rowSource(12);
  for (let i = 0; i < 200; i++) monitor.observe(next());
  now += 30_000;
  for (let i = 0; i < 150; i++) monitor.observe(next());
  expect(monitor.report().features.find((f) => f.name === 'x')!.windowSamples).toBe(350);
  now += 40_000;
  const x = monitor.report().features.find((f) => f.name === 'x')!;
  expect(x.windowSamples).toBe(150);
  expect(x.ready).toBe(true);
  now += 31_000;
  expect(monitor.report().features.find((f) => f.name === 'x')!).toMatchObject({ windowSamples: 0, ready: false });
});

it('returns the report as plain data', () => {
  const { monitor } = monitorWith();
  const next = rowSource(13);
  for (let i = 0; i < 200; i++) monitor.observe(next());
  const report = monitor.report();
  expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  expect(report.model).toEqual(model);
  expect(report.features.map((f) => [f.name, f.role])).toEqual([
    ['x', 'input'],
    ['c', 'input'],
    ['prediction.label', 'output'],
    ['prediction.confidence', 'output'],
  ]);
  expect(report.features[1]!.bins.map((b) => b.description)).toEqual(['a', 'b', 'c', 'other']);
});

it('bins live values like binCounts, with few edges and with many', () => {
  const next = rowSource(14, 0.2);
  const reference = Array.from({ length: 2000 }, () => next());
  const live = Array.from({ length: 800 }, () => next().x * 1.5);
  const manyEdges = Array.from({ length: 40 }, (_, i) => -3 + i * 0.15);
  // y takes the same values as x, binned by 40 explicit edges (binary search instead of a linear count).
  const withY = buildProfile(
    reference.map((r) => ({ x: r.x, y: r.x })),
    { edges: { y: manyEdges } },
  );
  const monitor = new DriftMonitor({ model, profile: withY, meter: createTestMeter().meter, windowSize: 800 });
  for (const v of live) monitor.observe({ x: v, y: v });
  const report = new Map(monitor.report().features.map((f) => [f.name, f]));
  const edgesOf = (name: string) => (withY.features.find((f) => f.name === name) as NumericFeatureProfile).edges;
  expect(report.get('x')!.bins.map((b) => b.total)).toEqual(binCounts(live, edgesOf('x')));
  expect(report.get('y')!.bins.map((b) => b.total)).toEqual(binCounts(live, edgesOf('y')));
  expect(report.get('y')!.bins.map((b) => Math.round(b.current * 800))).toEqual(binCounts(live, edgesOf('y')));
});

it('scores a constant numeric feature and a single-category feature with finite numbers', () => {
  const constant = buildProfile(Array.from({ length: 200 }, () => ({ k: 5, only: 'a' })));
  const monitor = new DriftMonitor({
    model,
    profile: constant,
    meter: createTestMeter().meter,
    minSamples: 10,
    numericMethods: ['psi', 'ks', 'wasserstein', 'jensen_shannon'],
    categoricalMethods: ['psi', 'chi2', 'jensen_shannon'],
  });
  for (let i = 0; i < 10; i++) monitor.observe({ k: 5, only: 'a' });
  const same = monitor.report();
  expect(same.drifted).toBe(false);
  expect(same.features.find((f) => f.name === 'k')!.scores).toEqual({
    psi: 0,
    ks: 0,
    ks_p_value: 1,
    wasserstein: 0,
    jensen_shannon: 0,
  });
  expect(same.features.find((f) => f.name === 'only')!.scores).toMatchObject({ psi: 0, jensen_shannon: 0 });
  expect(same.features.find((f) => f.name === 'only')!.scores.chi2).toBeGreaterThan(0.9);

  for (let i = 0; i < 10; i++) monitor.observe({ k: 6, only: 'b' });
  const moved = monitor.report();
  for (const feature of moved.features) {
    expect(Object.values(feature.scores).every(Number.isFinite)).toBe(true);
    expect(feature.driftedBy).toContain('psi');
  }
  // 1 unit away from a constant: divided by the smallest reference std used, 0.001; half the window moved.
  expect(moved.features.find((f) => f.name === 'k')!.scores.wasserstein).toBeCloseTo(500, 6);
});
