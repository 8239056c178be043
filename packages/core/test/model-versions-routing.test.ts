import { expect, test } from 'vitest';
import { modelVersions, PredictionMetricsRegistry } from '../src/index';
import { seededRandom } from './support/seeded-random';
import { resolveVersionsConfig } from '../src/versions/model-versions-config';
import { captureDiag, memoryTracing } from '@modelsight/test-support';

interface Request {
  readonly userId: string;
  readonly petalLength: number;
}
const v1 = (request: Request) => ({ label: request.petalLength > 2 ? 'versicolor' : 'setosa', confidence: 0.8 });
const v2 = (request: Request) => ({ label: request.petalLength > 2.5 ? 'versicolor' : 'setosa', confidence: 0.9 });
const v3 = (_request: Request) => ({ label: 'setosa', confidence: 0.5 });

test('calls are routed by share: 20% and 10% canaries get about 20% and 10% of 20,000 seeded calls', () => {
  const predict = modelVersions({
    name: 'by-share',
    registry: new PredictionMetricsRegistry(),
    primary: { version: '1', predict: v1 },
    canaries: [
      { version: '2', predict: v2, share: 0.2 },
      { version: '3', predict: v3, share: 0.1 },
    ],
    guard: false,
    random: seededRandom(1),
  });
  const counts = new Map<string, number>();
  for (let i = 0; i < 20_000; i++) {
    const { prediction } = predict.withPrediction({ userId: 'u', petalLength: 1 });
    counts.set(prediction.model.version, (counts.get(prediction.model.version) ?? 0) + 1);
  }
  // Binomial standard deviations are about 0.3% and 0.2% of the calls: 1.5% is five of them.
  expect(counts.get('2')! / 20_000).toBeCloseTo(0.2, 1);
  expect(Math.abs(counts.get('2')! / 20_000 - 0.2)).toBeLessThan(0.015);
  expect(Math.abs(counts.get('3')! / 20_000 - 0.1)).toBeLessThan(0.015);
  expect(predict.state().versions.map((v) => [v.version, v.role, v.share])).toEqual([
    ['1', 'primary', 0.7],
    ['2', 'canary', 0.2],
    ['3', 'canary', 0.1],
  ]);
});

test('a sticky key sends the same user to the same version, in every group built the same way', () => {
  const build = () =>
    modelVersions({
      name: 'sticky',
      registry: new PredictionMetricsRegistry(),
      primary: { version: '1', predict: v1 },
      canaries: [{ version: '2', predict: v2, share: 0.3 }],
      stickyKey: (request) => request.userId,
      guard: false,
    });
  const a = build();
  const b = build();
  const versionOf = (predict: typeof a, userId: string) =>
    predict.withPrediction({ userId, petalLength: Math.random() * 5 }).prediction.model.version;
  let canaryUsers = 0;
  for (let user = 0; user < 2_000; user++) {
    const id = `user-${user}`;
    const first = versionOf(a, id);
    for (let i = 0; i < 3; i++) expect(versionOf(a, id)).toBe(first);
    expect(versionOf(b, id)).toBe(first);
    if (first === '2') canaryUsers++;
  }
  // Users spread by the hash as by the share.
  expect(Math.abs(canaryUsers / 2_000 - 0.3)).toBeLessThan(0.04);
});

test('a rolled-back canary sends its users to the primary, and the users of another canary keep theirs', () => {
  const predict = modelVersions({
    name: 'sticky-rollback',
    registry: new PredictionMetricsRegistry(),
    primary: { version: '1', predict: v1 },
    canaries: [
      { version: '2', predict: v2, share: 0.2 },
      { version: '3', predict: v3, share: 0.2 },
    ],
    stickyKey: (request) => request.userId,
    guard: false,
  });
  const versions = () =>
    Array.from(
      { length: 500 },
      (_, u) => predict.withPrediction({ userId: `u${u}`, petalLength: 1 }).prediction.model.version,
    );
  const before = versions();
  predict.rollback('2');
  const after = versions();
  before.forEach((version, u) => expect(after[u]).toBe(version === '2' ? '1' : version));
  expect(before.filter((v) => v === '3').length).toBeGreaterThan(0);
});

test('each version has its own spans, with its version, under the span active at the call', () => {
  const tracing = memoryTracing();
  const predict = modelVersions({
    name: 'spans',
    registry: new PredictionMetricsRegistry(),
    tracer: tracing.tracer,
    primary: { version: '1.0.0', predict: v1 },
    canaries: [{ version: '1.1.0', predict: v2, share: 0.5 }],
    random: seededRandom(3),
  });
  tracing.tracer.startActiveSpan('request', (parent) => {
    for (let i = 0; i < 40; i++) predict({ userId: 'x', petalLength: 2.2 });
    parent.end();
  });
  const predictions = tracing.spans().filter((s) => s.name === 'predict spans');
  expect(predictions).toHaveLength(40);
  const parent = tracing.spanNamed('request').spanContext().spanId;
  for (const span of predictions) expect(span.parentSpanContext?.spanId).toBe(parent);
  const labels = new Map(
    predictions.map((s) => [s.attributes['ml.model.version'], s.attributes['ml.prediction.label']]),
  );
  expect(labels).toEqual(
    new Map([
      ['1.0.0', 'versicolor'],
      ['1.1.0', 'setosa'],
    ]),
  );
});

test('the prediction totals are kept per version, as traced() keeps them', () => {
  const registry = new PredictionMetricsRegistry();
  const predict = modelVersions({
    name: 'totals',
    registry,
    primary: { version: '1', predict: v1 },
    canaries: [{ version: '2', predict: v2, share: 0.5 }],
    random: seededRandom(11),
  });
  for (let i = 0; i < 1000; i++) predict({ userId: 'x', petalLength: 1 });
  const ok = (version: string) => registry.forModel({ name: 'totals', version }).ok;
  expect(ok('1') + ok('2')).toBe(1000);
  expect(ok('2')).toBeGreaterThan(400);
});

test('options are checked when the group is built, naming the option', () => {
  const registry = new PredictionMetricsRegistry();
  const primary = { version: '1', predict: v1 };
  expect(() => modelVersions({ name: '', primary })).toThrow(/option name must be a non-empty string; got ""/);
  expect(() => modelVersions({ name: 'm', primary, canaries: [{ version: '1', predict: v2, share: 0.1 }] })).toThrow(
    /option canaries\[0\]\.version must be unique among the versions; got "1"/,
  );
  expect(() => modelVersions({ name: 'm', primary, canaries: [{ version: '2', predict: v2, share: 1.5 }] })).toThrow(
    /option canaries\[0\]\.share must be a number in \(0, 1\); got 1\.5/,
  );
  expect(() =>
    modelVersions({
      name: 'm',
      primary,
      canaries: [
        { version: '2', predict: v2, share: 0.6 },
        { version: '3', predict: v3, share: 0.5 },
      ],
    }),
  ).toThrow(/option canaries must be shares adding up to less than 1/);
  expect(() => modelVersions({ name: 'm', primary, shadows: [{ version: '2', predict: v2, sampleRate: 0 }] })).toThrow(
    /option shadows\[0\]\.sampleRate must be a number in \(0, 1\]; got 0/,
  );
  expect(() =>
    modelVersions({
      name: 'm',
      registry,
      primary,
      canaries: [{ version: '2', predict: v2, share: 0.1 }],
      guard: { confidence: 1 },
    }),
  ).toThrow(/option guard\.confidence must be a number between 0 and 1; got 1/);
  expect(() => modelVersions({ name: 'm', primary, shadowQueue: { maxQueued: 0 } })).toThrow(
    /option shadowQueue\.maxQueued must be a positive integer; got 0/,
  );
  expect(() => modelVersions({ name: 'm', primary: { version: '1', predict: 'nope' as never } })).toThrow(
    /option primary\.predict must be a function/,
  );
});

test('versions must share the primary’s signature, and the sticky key takes its arguments (type check)', () => {
  const typed = modelVersions({
    name: 'types',
    registry: new PredictionMetricsRegistry(),
    primary: { version: '1', predict: v1 },
    // @ts-expect-error a canary taking another input is refused
    canaries: [{ version: '2', predict: (text: string) => ({ label: text }), share: 0.1 }],
    // @ts-expect-error the key is read from the call's arguments
    stickyKey: (request) => request.missing,
    guard: false,
    // Every call to the primary: the canary above would answer with its input.
    random: () => 0.99,
  });
  // @ts-expect-error called as the primary is
  expect(() => typed('not a request')).not.toThrow();
  const result: { label: string; confidence: number } = typed({ userId: 'a', petalLength: 1 });
  expect(result.label).toBe('setosa');
});

test('a bad environment value is warned about once, naming the variable and the value, and the default is used', () => {
  const diagnostics = captureDiag();
  const config = resolveVersionsConfig(
    { name: 'env', primary: { version: '1', predict: v1 }, canaries: [{ version: '2', predict: v2, share: 0.1 }] },
    { MODELSIGHT_CANARY_CONFIDENCE: '2', MODELSIGHT_SHADOW_MAX_QUEUED: 'many', MODELSIGHT_CANARY_GUARD: 'off' },
  );
  expect(config.guard!.alpha).toBeCloseTo(0.01, 12);
  expect(config.maxQueued).toBe(100);
  expect(diagnostics.warnings).toEqual([
    '@modelsight/core: MODELSIGHT_CANARY_GUARD="off" is not valid (expected true or false); using true',
    '@modelsight/core: MODELSIGHT_CANARY_CONFIDENCE="2" is not valid (expected a number between 0 and 1); using 0.99',
    '@modelsight/core: MODELSIGHT_SHADOW_MAX_QUEUED="many" is not valid (expected a whole number greater than 0); using 100',
  ]);
  const off = resolveVersionsConfig(
    { name: 'env', primary: { version: '1', predict: v1 }, canaries: [{ version: '2', predict: v2, share: 0.1 }] },
    { MODELSIGHT_CANARY_GUARD: 'false', MODELSIGHT_SHADOW_CONCURRENCY: '4' },
  );
  expect([off.guard, off.concurrency]).toEqual([undefined, 4]);
  // The option wins over the variable.
  const given = resolveVersionsConfig(
    { name: 'env', primary: { version: '1', predict: v1 }, shadowQueue: { concurrency: 2 } },
    { MODELSIGHT_SHADOW_CONCURRENCY: '4' },
  );
  expect(given.concurrency).toBe(2);
});

test('a sticky key function that throws is reported once and its calls are routed at random; the caller gets its answer', () => {
  const diagnostics = captureDiag();
  const predict = modelVersions({
    name: 'bad-key',
    registry: new PredictionMetricsRegistry(),
    primary: { version: '1', predict: v1 },
    canaries: [{ version: '2', predict: v2, share: 0.5 }],
    stickyKey: () => {
      throw new Error('no user');
    },
    guard: false,
    random: seededRandom(4),
  });
  const versions = new Set<string>();
  for (let i = 0; i < 50; i++)
    versions.add(predict.withPrediction({ userId: 'a', petalLength: 1 }).prediction.model.version);
  expect(versions).toEqual(new Set(['1', '2']));
  expect(diagnostics.warnings.filter((w) => w.includes('the stickyKey function of bad-key threw'))).toHaveLength(1);
});
