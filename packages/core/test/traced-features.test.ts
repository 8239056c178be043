import { afterEach, beforeEach, expect, test } from 'vitest';
import { getPredictionMetricsRegistry, traced, type PredictionRecord } from '../src/index';
import { captureDiag, memoryTracing, uniqueModel } from '@modelsight/test-support';

const tracing = memoryTracing();
const diagnostics = captureDiag();
beforeEach(() => diagnostics.reset());
afterEach(() => {
  tracing.reset();
  delete process.env.MODELSIGHT_CAPTURE_FEATURES;
  delete process.env.MODELSIGHT_REDACT_FEATURES;
});

type Row = { petalLength: number; email: string; note: string; nested: object; big: bigint; ok: boolean };
const row: Row = { petalLength: 1.4, email: 'a@b.c', note: 'x'.repeat(1000), nested: { a: 1 }, big: 10n, ok: true };
const featureAttributes = () =>
  Object.fromEntries(Object.entries(tracing.spans()[0]!.attributes).filter(([key]) => key.startsWith('ml.feature.')));

test('features are not put on spans unless capture is turned on', () => {
  traced((r: Row) => r.petalLength, { model: uniqueModel(), tracer: tracing.tracer, features: (r) => r })(row);
  expect(featureAttributes()).toEqual({});
});

test('captured features become ml.feature.* attributes; redacted names never do; long strings are cut', () => {
  traced((r: Row) => r.petalLength, {
    model: uniqueModel(),
    tracer: tracing.tracer,
    features: (r) => r,
    captureFeatures: true,
    redactFeatures: ['email'],
    maxFeatureLength: 16,
  })(row);
  expect(featureAttributes()).toEqual({
    'ml.feature.petalLength': 1.4,
    'ml.feature.note': 'x'.repeat(16),
    'ml.feature.big': '10',
    'ml.feature.ok': true,
  });
});

test('MODELSIGHT_CAPTURE_FEATURES turns capture on and MODELSIGHT_REDACT_FEATURES adds redacted names', () => {
  process.env.MODELSIGHT_CAPTURE_FEATURES = 'true';
  process.env.MODELSIGHT_REDACT_FEATURES = 'email, note';
  traced((r: Row) => r.petalLength, { model: uniqueModel(), tracer: tracing.tracer, features: (r) => r })(row);
  expect(Object.keys(featureAttributes()).sort()).toEqual([
    'ml.feature.big',
    'ml.feature.ok',
    'ml.feature.petalLength',
  ]);
});

test('the option wins over the environment variable', () => {
  process.env.MODELSIGHT_CAPTURE_FEATURES = 'true';
  traced((r: Row) => r.petalLength, {
    model: uniqueModel(),
    tracer: tracing.tracer,
    features: (r) => r,
    captureFeatures: false,
  })(row);
  expect(featureAttributes()).toEqual({});
});

test('observers receive the unredacted features of the call', () => {
  const seen: PredictionRecord[] = [];
  traced((r: Row) => ({ label: 'a', r }), {
    model: uniqueModel(),
    tracer: tracing.tracer,
    features: (r) => ({ petalLength: r.petalLength, email: r.email }),
    redactFeatures: ['email'],
    observers: [{ onPrediction: (record) => seen.push(record) }],
  })(row);
  expect(seen[0]!.features).toEqual({ petalLength: 1.4, email: 'a@b.c' });
});

test('a features extractor that throws is reported once and the prediction goes on', () => {
  const model = uniqueModel();
  const seen: PredictionRecord[] = [];
  const predict = traced((x: number) => x * 2, {
    model,
    tracer: tracing.tracer,
    task: 'regression',
    features: () => {
      throw new Error('no such column');
    },
    observers: [{ onPrediction: (record) => seen.push(record) }],
  });
  expect(predict(2)).toBe(4);
  expect(predict(3)).toBe(6);
  expect(seen.map((r) => r.features)).toEqual([undefined, undefined]);
  expect(diagnostics.warnings).toHaveLength(1);
  expect(diagnostics.warnings[0]).toContain('features extractor threw');
  expect(getPredictionMetricsRegistry().forModel(model).instrumentationErrors.get('features_extractor')).toBe(2);
});

test('a features object whose getters throw leaves the prediction running uninstrumented, its span ended', () => {
  const model = uniqueModel();
  const hostile = Object.defineProperty({ petalLength: 1.4 }, 'email', {
    enumerable: true,
    get() {
      throw new Error('getter');
    },
  });
  const predict = traced((r: { petalLength: number }) => r.petalLength * 2, {
    model,
    tracer: tracing.tracer,
    task: 'regression',
    features: (r) => r,
    captureFeatures: true,
  });
  expect(predict(hostile)).toBe(2.8);
  expect(tracing.spans()).toHaveLength(1);
  expect(tracing.spans()[0]!.ended).toBe(true);
  expect(diagnostics.warnings).toHaveLength(1);
  expect(diagnostics.warnings[0]).toContain('starting the prediction span failed');
});
