import { expect, it } from 'vitest';
import { buildProfile, DEFAULT_DRIFT_OPTIONS, DriftMonitor } from '../src/index';
import { createTestMeter, type CollectedPoint } from './support/metrics';
import { referenceProfile, rowSource } from './support/reference';

const model = { name: 'iris', version: '1.0.0' };
const base = { 'ml.model.name': 'iris', 'ml.model.version': '1.0.0' };

function setup() {
  const { meter, collect } = createTestMeter();
  const monitor = new DriftMonitor({ model, profile: referenceProfile(), meter });
  return { monitor, collect };
}

const find = (points: CollectedPoint[], metric: string, attributes: Record<string, string>) =>
  points.filter((p) => p.metric === metric && Object.entries(attributes).every(([k, v]) => p.attributes[k] === v));

it('exports exactly the contract metrics with their labels', async () => {
  const { monitor, collect } = setup();
  const next = rowSource(20);
  for (let i = 0; i < 200; i++) monitor.observe(next(), { label: 'pos', confidence: 0.9 });
  const points = await collect();
  expect([...new Set(points.map((p) => p.metric))].sort()).toEqual([
    'ml_data_invalid',
    'ml_data_missing',
    'ml_drift_bin',
    'ml_drift_detected',
    'ml_drift_reference_ratio',
    'ml_drift_score',
    'ml_drift_window_samples',
  ]);
  const labelKeys = (metric: string) => [
    ...new Set(find(points, metric, {}).map((p) => Object.keys(p.attributes).sort().join(','))),
  ];
  expect(labelKeys('ml_drift_score')).toEqual(['ml.drift.method,ml.feature.name,ml.model.name,ml.model.version']);
  expect(labelKeys('ml_drift_detected')).toEqual(['ml.feature.name,ml.model.name,ml.model.version']);
  expect(labelKeys('ml_drift_window_samples')).toEqual(['ml.feature.name,ml.model.name,ml.model.version']);
  expect(labelKeys('ml_data_missing')).toEqual(['ml.feature.name,ml.model.name,ml.model.version']);
  expect(labelKeys('ml_data_invalid')).toEqual(['ml.feature.name,ml.model.name,ml.model.version,reason']);
  expect(labelKeys('ml_drift_bin')).toEqual(['ml.drift.bin,ml.feature.name,ml.model.name,ml.model.version']);
  expect(labelKeys('ml_drift_reference_ratio')).toEqual([
    'ml.drift.bin,ml.feature.name,ml.model.name,ml.model.version',
  ]);
  expect(
    find(points, 'ml_drift_score', { ...base, 'ml.feature.name': 'c' })
      .map((p) => p.attributes['ml.drift.method'])
      .sort(),
  ).toEqual(['chi2', 'psi']);
});

it('exports every bin counter and reference ratio from the start, at zero', async () => {
  const { collect } = setup();
  const points = await collect();
  const bins = find(points, 'ml_drift_bin', { 'ml.feature.name': 'x' });
  expect(bins.map((p) => p.attributes['ml.drift.bin'])).toEqual([
    '0',
    '1',
    '2',
    '3',
    '4',
    '5',
    '6',
    '7',
    '8',
    '9',
    '10',
    '11',
  ]);
  expect(bins.every((p) => p.value === 0)).toBe(true);
  const ratios = find(points, 'ml_drift_reference_ratio', { 'ml.feature.name': 'c' });
  expect(ratios.map((p) => p.attributes['ml.drift.bin'])).toEqual(['0', '1', '2', '3']);
  expect(ratios.reduce((s, p) => s + p.value, 0)).toBeCloseTo(1, 12);
  expect(find(points, 'ml_data_invalid', { 'ml.feature.name': 'x' }).map((p) => p.attributes.reason)).toEqual([
    'type',
    'out_of_range',
  ]);
  expect(find(points, 'ml_data_invalid', { 'ml.feature.name': 'c' }).map((p) => p.attributes.reason)).toEqual([
    'type',
    'unseen_category',
  ]);
});

it('keeps the counters cumulative across collections', async () => {
  const { monitor, collect } = setup();
  monitor.observe({ x: 0.1, c: 'a' });
  monitor.observe({ x: null, c: 'a' });
  const first = await collect();
  monitor.observe({ x: 0.1, c: 'a' });
  monitor.observe({ c: 'a' });
  const second = await collect();
  const missing = (points: CollectedPoint[]) => find(points, 'ml_data_missing', { 'ml.feature.name': 'x' })[0]!.value;
  const binTotal = (points: CollectedPoint[]) =>
    find(points, 'ml_drift_bin', { 'ml.feature.name': 'x' }).reduce((s, p) => s + p.value, 0);
  expect([missing(first), missing(second)]).toEqual([1, 2]);
  expect([binTotal(first), binTotal(second)]).toEqual([1, 2]);
});

it('counts bad values as missing or invalid and never throws', async () => {
  const { monitor, collect } = setup();
  const huge = new Array(1_000_000).fill(1);
  const bad: unknown[] = [
    null,
    undefined,
    42,
    'row',
    [1, 2, 3],
    { x: null, c: null },
    { x: undefined, c: undefined },
    { x: Number.NaN, c: Number.NaN },
    { x: '1.5', c: 7 },
    { x: { nested: 1 }, c: { nested: 'a' } },
    { x: huge, c: huge },
    { x: true, c: Symbol('s') },
    { x: 10n, c: () => 'a' },
    JSON.parse('{"__proto__": {"x": 1}, "constructor": "a"}'),
    Object.create(null),
    {
      get x() {
        throw new Error('getter');
      },
      c: 'a',
    },
    new Proxy(
      {},
      {
        get() {
          throw new Error('proxy');
        },
      },
    ),
  ];
  for (const row of bad) expect(() => monitor.observe(row, row as never)).not.toThrow();
  for (const row of bad) expect(() => monitor.onPrediction(row as never)).not.toThrow();
  const points = await collect();
  const value = (metric: string, attributes: Record<string, string>) => find(points, metric, attributes)[0]?.value;
  // x: missing for rows 1-5 (not objects), null, undefined, NaN, __proto__ row, null-prototype row.
  expect(value('ml_data_missing', { 'ml.feature.name': 'x' })).toBe(10);
  // x: '1.5', nested object, huge array, true, 10n, the throwing getter and the throwing proxy.
  expect(value('ml_data_invalid', { 'ml.feature.name': 'x', reason: 'type' })).toBe(7);
  // c: missing for rows 1-5, null, undefined, NaN, the __proto__ row and the null-prototype row.
  expect(value('ml_data_missing', { 'ml.feature.name': 'c' })).toBe(10);
  expect(value('ml_data_invalid', { 'ml.feature.name': 'c', reason: 'type' })).toBe(5);
  // c = 7 is looked up: not a category.
  expect(value('ml_data_invalid', { 'ml.feature.name': 'c', reason: 'unseen_category' })).toBe(1);
  expect(monitor.report().features.find((f) => f.name === 'x')!.windowSamples).toBe(0);
});

it('reads features named like Object.prototype members as own properties only', () => {
  const rows = JSON.parse('[{"__proto__": 1, "constructor": "a"}, {"__proto__": 2, "constructor": "b"}]') as object[];
  const profile = buildProfile(rows);
  const monitor = new DriftMonitor({ model, profile, meter: createTestMeter().meter });
  monitor.observe(JSON.parse('{"__proto__": 1.5, "constructor": "b"}'));
  monitor.observe({});
  const report = new Map(monitor.report().features.map((f) => [f.name, f]));
  const proto = report.get('__proto__')!;
  const ctor = report.get('constructor')!;
  expect([proto.windowSamples, proto.missing]).toEqual([1, 1]);
  expect([ctor.windowSamples, ctor.missing, ctor.invalid.type]).toEqual([1, 1, 0]);
});

it('creates no series for features that are not in the profile', async () => {
  const { monitor, collect } = setup();
  const before = (await collect()).length;
  for (let i = 0; i < 300; i++) monitor.observe({ x: 0, c: 'a', unknown: i, [`key${i}`]: 'v' });
  const points = await collect();
  expect(
    points.filter(
      (p) => !['x', 'c', 'prediction.label', 'prediction.confidence'].includes(String(p.attributes['ml.feature.name'])),
    ),
  ).toEqual([]);
  const newSeries = points.filter((p) => p.metric === 'ml_drift_score' || p.metric === 'ml_drift_detected').length;
  expect(points.length - newSeries).toBe(before);
});

it('counts an unseen category as invalid and into the other bin', () => {
  const { monitor } = setup();
  monitor.observe({ x: 0, c: 'zebra' });
  monitor.observe({ x: 0, c: 'a'.repeat(10_000) });
  const c = monitor.report().features.find((f) => f.name === 'c')!;
  expect(c.invalid.unseen_category).toBe(2);
  expect(c.bins.find((b) => b.description === 'other')!.total).toBe(2);
});

it('counts an infinite category value as invalid type, as buildProfile does, outside the window', () => {
  const { monitor } = setup();
  monitor.observe({ x: 0, c: Number.POSITIVE_INFINITY });
  monitor.observe({ x: 0, c: Number.NEGATIVE_INFINITY });
  const c = monitor.report().features.find((f) => f.name === 'c')!;
  expect(c.invalid).toEqual({ type: 2, out_of_range: 0, unseen_category: 0 });
  expect(c.windowSamples).toBe(0);
});

it('counts values outside the reference range as out_of_range, keeping finite ones in the window', () => {
  const { monitor } = setup();
  monitor.observe({ x: 1e6, c: 'a' });
  monitor.observe({ x: -1e6, c: 'a' });
  monitor.observe({ x: Number.POSITIVE_INFINITY, c: 'a' });
  const x = monitor.report().features.find((f) => f.name === 'x')!;
  expect(x.invalid.out_of_range).toBe(3);
  expect(x.windowSamples).toBe(2);
  expect([x.bins[0]!.total, x.bins[11]!.total]).toEqual([1, 1]);
});

it('watches the label and confidence of predictions that succeeded', () => {
  const { monitor } = setup();
  monitor.onPrediction({ status: 'ok', label: 'pos', confidence: 0.8, features: { x: 0.5, c: 'b' } });
  monitor.onPrediction({ status: 'ok', label: 'neg', confidence: 0.7, features: undefined });
  monitor.onPrediction({ status: 'error', label: undefined, confidence: undefined, features: { x: 1, c: 'a' } });
  const report = monitor.report();
  const byName = Object.fromEntries(report.features.map((f) => [f.name, f]));
  expect(byName['prediction.label']!.bins.map((b) => [b.description, b.total]).sort()).toEqual([
    ['neg', 1],
    ['other', 0],
    ['pos', 1],
  ]);
  expect(byName['prediction.confidence']!.windowSamples).toBe(2);
  expect(byName.x!.windowSamples).toBe(1);
  expect(byName.x!.missing).toBe(0);
});

it('stops reporting metrics after close', async () => {
  const { monitor, collect } = setup();
  monitor.close();
  monitor.observe({ x: 1, c: 'a' });
  expect(await collect()).toEqual([]);
});

it('rejects invalid options with a message naming the option and the value', () => {
  const profile = referenceProfile();
  expect(() => new DriftMonitor({ model: { name: '', version: '1' }, profile })).toThrow(
    /option model.name must be a non-empty string, got ""/,
  );
  expect(() => new DriftMonitor({ model, profile, windowSize: 0 })).toThrow(
    /option windowSize must be a positive integer.*got 0/,
  );
  expect(() => new DriftMonitor({ model, profile, minSamples: 1.5 })).toThrow(/option minSamples/);
  expect(() => new DriftMonitor({ model, profile, numericMethods: ['chi2'] })).toThrow(/numericMethods has "chi2"/);
  expect(() => new DriftMonitor({ model, profile, thresholds: { psi2: 1 } as never })).toThrow(/unknown score "psi2"/);
  expect(() => new DriftMonitor({ model, profile: { ...profile, formatVersion: 3 } as never })).toThrow(
    /formatVersion: unknown version 3/,
  );
});

it('rejects thresholds that would flag every window or none, and a profile file name given as the profile', () => {
  const profile = referenceProfile();
  expect(() => new DriftMonitor({ model, profile, thresholds: { psi: -1 } })).toThrow(
    'option thresholds.psi must be greater than 0, got -1',
  );
  expect(() => new DriftMonitor({ model, profile, thresholds: { ks_p_value: 5 } })).toThrow(
    'option thresholds.ks_p_value must be a p-value in (0, 1], got 5',
  );
  expect(() => new DriftMonitor({ model, profile: 'model/profile.json' as never })).toThrow(
    'invalid drift profile given to DriftMonitor as option profile at (root): expected a profile or its JSON text, got the string "model/profile.json": to read a profile file, pass loadProfile("model/profile.json")',
  );
});

it('exposes the defaults of the design, frozen so that no caller can change them for everyone', () => {
  expect(DEFAULT_DRIFT_OPTIONS).toMatchObject({
    windowSize: 1000,
    minSamples: 100,
    numericMethods: ['psi', 'ks'],
    categoricalMethods: ['psi', 'chi2'],
    thresholds: { psi: 0.2 },
  });
  expect(() => (DEFAULT_DRIFT_OPTIONS.numericMethods as string[]).push('wasserstein')).toThrow(TypeError);
  expect(() => Object.assign(DEFAULT_DRIFT_OPTIONS.thresholds, { psi: 1 })).toThrow(TypeError);
});

it('rejects a minSamples the window could never hold, naming both options', () => {
  expect(() => new DriftMonitor({ model, profile: referenceProfile(), windowSize: 50 })).toThrow(
    'DriftMonitor: option minSamples (100) must be <= windowSize (50)',
  );
});

it('rejects output names that are not features of the profile, listing the features', () => {
  const profile = referenceProfile();
  expect(() => new DriftMonitor({ model, profile, outputs: { label: 'class' } })).toThrow(
    /option outputs.label is "class", which is not a feature of the profile \(features: "x", "c", "prediction.label", "prediction.confidence"\)/,
  );
  expect(() => new DriftMonitor({ model, profile, outputs: 'label' as never })).toThrow(
    'option outputs must be an object, got "label"',
  );
  expect(() => new DriftMonitor({ model, profile, outputs: { label: 'x', confidence: 'x' } })).toThrow(
    'options outputs.label and outputs.confidence both name "x"',
  );
});

it('ignores an environment variable that is not a positive integer where one is needed', () => {
  process.env.MODELSIGHT_DRIFT_WINDOW_SIZE = '150.5';
  try {
    const monitor = new DriftMonitor({ model, profile: referenceProfile(), meter: createTestMeter().meter });
    const next = rowSource(22);
    for (let i = 0; i < 1500; i++) monitor.observe(next());
    expect(monitor.report().features[0]!.windowSamples).toBe(1000);
  } finally {
    delete process.env.MODELSIGHT_DRIFT_WINDOW_SIZE;
  }
});

it('reads its defaults from environment variables when options are absent', () => {
  process.env.MODELSIGHT_DRIFT_WINDOW_SIZE = '200';
  process.env.MODELSIGHT_DRIFT_MIN_SAMPLES = '50';
  try {
    const { meter } = createTestMeter();
    const monitor = new DriftMonitor({ model, profile: referenceProfile(), meter });
    const next = rowSource(21);
    for (let i = 0; i < 500; i++) monitor.observe(next());
    expect(monitor.report().features[0]!.windowSamples).toBe(200);
    const small = new DriftMonitor({ model, profile: referenceProfile(), meter, windowSize: 60 });
    for (let i = 0; i < 55; i++) small.observe(next());
    expect(small.report().features[0]!.ready).toBe(true);
  } finally {
    delete process.env.MODELSIGHT_DRIFT_WINDOW_SIZE;
    delete process.env.MODELSIGHT_DRIFT_MIN_SAMPLES;
  }
});

it('keeps the series of two models on one meter apart', async () => {
  const { meter, collect } = createTestMeter();
  const first = new DriftMonitor({ model: { name: 'a', version: '1' }, profile: referenceProfile(), meter });
  const second = new DriftMonitor({ model: { name: 'b', version: '2' }, profile: referenceProfile(), meter });
  first.observe({ x: null, c: 'a' });
  second.observe({ x: null, c: 'a' });
  second.observe({ x: null, c: 'a' });
  const missing = find(await collect(), 'ml_data_missing', { 'ml.feature.name': 'x' });
  expect(missing.map((p) => [p.attributes['ml.model.name'], p.attributes['ml.model.version'], p.value])).toEqual([
    ['a', '1', 1],
    ['b', '2', 2],
  ]);
});

it('finds categories by string, number or boolean, and knows the ones merged into other', () => {
  const rows = [
    ...Array.from({ length: 40 }, () => ({ k: 'x', n: 3, b: true })),
    ...Array.from({ length: 30 }, () => ({ k: 'y', n: 4, b: false })),
    ...Array.from({ length: 10 }, () => ({ k: 'tail', n: 5, b: true })),
  ];
  const profile = buildProfile(rows, { topK: 2, types: { n: 'categorical' } });
  const monitor = new DriftMonitor({ model, profile, meter: createTestMeter().meter });
  monitor.observe({ k: 'y', n: 4, b: false });
  monitor.observe({ k: 'tail', n: '5', b: 'true' });
  monitor.observe({ k: 'never', n: 6, b: 'yes' });
  const report = new Map(monitor.report().features.map((f) => [f.name, f]));
  const totals = (name: string) => report.get(name)!.bins.map((b) => [b.description, b.total]);
  expect(totals('k')).toEqual([
    ['x', 0],
    ['y', 1],
    ['other', 2],
  ]);
  expect(report.get('k')!.invalid.unseen_category).toBe(1);
  expect(totals('n')).toEqual([
    ['3', 0],
    ['4', 1],
    ['other', 2],
  ]);
  expect(report.get('n')!.invalid.unseen_category).toBe(1);
  expect(totals('b')).toEqual([
    ['true', 1],
    ['false', 1],
    ['other', 1],
  ]);
});

it('looks up many categories through the Map', () => {
  const names = Array.from({ length: 30 }, (_, i) => `category-${i}`);
  const profile = buildProfile(
    names.flatMap((k, i) => Array.from({ length: 30 - i }, () => ({ k }))),
    { topK: 25 },
  );
  const monitor = new DriftMonitor({ model, profile, meter: createTestMeter().meter });
  for (const k of names) monitor.observe({ k });
  monitor.observe({ k: 'category-99' });
  const k = monitor.report().features[0]!;
  expect(k.bins.slice(0, 25).every((b) => b.total === 1)).toBe(true);
  expect(k.bins[25]).toMatchObject({ description: 'other', total: 6 });
  expect(k.invalid.unseen_category).toBe(1);
});
