import { afterEach, beforeEach, expect, test } from 'vitest';
import { getPredictionMetricsRegistry, traced } from '../src/index';
import { captureDiag, memoryTracing, uniqueModel } from '@modelsight/test-support';

const tracing = memoryTracing();
const diagnostics = captureDiag();
beforeEach(() => diagnostics.reset());
afterEach(() => tracing.reset());

const attributesOf = (result: unknown, options: Record<string, unknown> = {}) => {
  tracing.reset();
  traced(() => result, { model: uniqueModel(), tracer: tracing.tracer, ...options })();
  return tracing.spans()[0]!.attributes;
};

test.each([
  [{ confidence: 0.6 }, 0.6],
  [{ score: 0.3 }, 0.3],
  [{ probabilities: [0.1, 0.7, 0.2] }, 0.7],
  [{ confidence: 0, score: 0.9 }, 0],
])('confidence is found on %j', (result, expected) => {
  expect(attributesOf(result)['ml.prediction.confidence']).toBe(expected);
});

test.each([
  [{ label: 'setosa' }, 'setosa'],
  [{ class: 'spam' }, 'spam'],
  [{ prediction: 2 }, '2'],
  ['virginica', 'virginica'],
  [{ label: true }, 'true'],
])('label is found on %j', (result, expected) => {
  expect(attributesOf(result)['ml.prediction.label']).toBe(expected);
});

test.each([null, undefined])(
  'a result of %j gives a span with neither confidence nor label, and no warning',
  (result) => {
    const predict = traced(() => result, { model: uniqueModel(), tracer: tracing.tracer });
    expect(predict()).toBe(result);
    const { attributes } = tracing.spans()[0]!;
    expect(attributes['ml.prediction.confidence']).toBeUndefined();
    expect(attributes['ml.prediction.label']).toBeUndefined();
    expect(diagnostics.warnings).toEqual([]);
  },
);

test('custom extractors replace the defaults', () => {
  const attributes = attributesOf(
    { out: [0.2, 0.8], names: ['cat', 'dog'] },
    {
      confidence: (r: { out: number[] }) => Math.max(...r.out),
      label: (r: { out: number[]; names: string[] }) => r.names[r.out.indexOf(Math.max(...r.out))],
    },
  );
  expect(attributes['ml.prediction.confidence']).toBe(0.8);
  expect(attributes['ml.prediction.label']).toBe('dog');
});

test.each([
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-1', -1],
  ['1.5', 1.5],
  ['the string "0.9"', '0.9'],
])('a confidence of %s is left off, counted and reported once, and the result is untouched', (_name, bad) => {
  const model = uniqueModel();
  const result = { confidence: bad, label: 'x' };
  const predict = traced(() => result, { model, tracer: tracing.tracer });
  expect(predict()).toBe(result);
  expect(predict()).toBe(result);
  expect(result.confidence).toBe(bad);
  for (const span of tracing.spans()) {
    expect(span.attributes['ml.prediction.confidence']).toBeUndefined();
    expect(span.attributes['ml.prediction.label']).toBe('x');
  }
  expect(diagnostics.warnings).toHaveLength(1);
  expect(diagnostics.warnings[0]).toContain('confidence must be a finite number in [0, 1]');
  expect(diagnostics.warnings[0]).toContain(model.name);
  const stats = getPredictionMetricsRegistry().forModel(model);
  expect(stats.instrumentationErrors.get('invalid_confidence')).toBe(2);
  expect(stats.ok).toBe(2);
  expect(stats.confidence.count).toBe(0);
});

test('an extractor that throws is reported once and the prediction goes on', () => {
  const model = uniqueModel();
  const result = { label: 'a', confidence: 0.5 };
  const predict = traced(() => result, {
    model,
    tracer: tracing.tracer,
    confidence: () => {
      throw new Error('extractor bug');
    },
    label: () => {
      throw new Error('label bug');
    },
  });
  for (let i = 0; i < 3; i++) expect(predict()).toBe(result);
  expect(tracing.spans()).toHaveLength(3);
  expect(tracing.spans()[0]!.attributes['ml.prediction.confidence']).toBeUndefined();
  expect(diagnostics.warnings).toHaveLength(2);
  expect(diagnostics.warnings.join('\n')).toMatch(/confidence extractor threw[\s\S]*extractor bug/);
  expect(diagnostics.warnings.join('\n')).toMatch(/label extractor threw[\s\S]*label bug/);
  const stats = getPredictionMetricsRegistry().forModel(model);
  expect(stats.instrumentationErrors.get('confidence_extractor')).toBe(3);
  expect(stats.instrumentationErrors.get('label_extractor')).toBe(3);
});

test('a label that is an object is left off and reported', () => {
  const attributes = attributesOf({ label: { nested: true } });
  expect(attributes['ml.prediction.label']).toBeUndefined();
  expect(diagnostics.warnings[0]).toContain('a label must be a string or a finite number');
});
