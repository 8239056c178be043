import { afterEach, beforeEach, expect, test } from 'vitest';
import { traced } from '../src/index';
import { captureDiag, memoryTracing, uniqueModel } from '@modelsight/test-support';

// The shapes real runtimes return, read with the default extractors, with and without `classes`.
const tracing = memoryTracing();
const diagnostics = captureDiag();
beforeEach(() => diagnostics.reset());
afterEach(() => tracing.reset());

const IRIS = ['setosa', 'versicolor', 'virginica'];

/** `ml.prediction.label` and `ml.prediction.confidence` of one call returning `result`. */
function read(result: unknown, options: Record<string, unknown> = {}) {
  tracing.reset();
  traced(() => result, { model: uniqueModel(), tracer: tracing.tracer, ...options })();
  const { attributes } = tracing.spans()[0]!;
  return { label: attributes['ml.prediction.label'], confidence: attributes['ml.prediction.confidence'] };
}

/** An onnxruntime-node `Tensor` as it comes out of `session.run`: `{ type, data, dims, location }`. */
const onnxTensor = (data: Float32Array | BigInt64Array, dims: number[]) => ({
  type: data instanceof BigInt64Array ? 'int64' : 'float32',
  data,
  dims,
  size: data.length,
  location: 'cpu',
});
/** A TensorFlow.js `Tensor` as `model.predict` returns it: `dataSync()`, `shape`, `dtype`. */
const tfjsTensor = (values: number[], shape: number[]) => ({
  shape,
  dtype: 'float32',
  isDisposed: false,
  dataSync: () => Float32Array.from(values),
});

test.each([
  ['an array of probabilities', [0.1, 0.7, 0.2]],
  ['a Float32Array of probabilities', Float32Array.from([0.1, 0.7, 0.2])],
  ['a Float64Array of probabilities', Float64Array.from([0.1, 0.7, 0.2])],
  ['a row of probabilities in an array', [[0.1, 0.7, 0.2]]],
  ['an onnxruntime tensor of shape [1, 3]', onnxTensor(Float32Array.from([0.1, 0.7, 0.2]), [1, 3])],
  ['a TensorFlow.js tensor of shape [1, 3]', tfjsTensor([0.1, 0.7, 0.2], [1, 3])],
  ['{ probabilities: Float32Array }', { probabilities: Float32Array.from([0.1, 0.7, 0.2]) }],
  ['onnxruntime outputs { output: Tensor }', { output: onnxTensor(Float32Array.from([0.1, 0.7, 0.2]), [1, 3]) }],
])('%s gives the argmax as label and the max as confidence', (_name, result) => {
  const { label, confidence } = read(result);
  expect(label).toBe('1');
  expect(confidence).toBeCloseTo(0.7, 6);
  expect(read(result, { classes: IRIS }).label).toBe('versicolor');
});

test.each([
  ['a bare index', 2],
  ['an index in an array (ml.js)', [2]],
  ['a BigInt64Array index (onnxruntime int64)', BigInt64Array.from([2n])],
  ['an Int32Array index (TensorFlow.js argMax)', Int32Array.from([2])],
  ['a bigint', 2n],
  ['{ prediction: 2 }', { prediction: 2 }],
])('with classes, %s is named', (_name, result) => {
  expect(read(result, { classes: IRIS })).toEqual({ label: 'virginica', confidence: undefined });
});

test('onnxruntime classifier outputs { label: int64 tensor, probabilities: float tensor } give both', () => {
  const result = {
    label: onnxTensor(BigInt64Array.from([1n]), [1]),
    probabilities: onnxTensor(Float32Array.from([0.05, 0.9, 0.05]), [1, 3]),
  };
  expect(read(result)).toEqual({ label: '1', confidence: expect.closeTo(0.9, 6) });
  expect(read(result, { classes: IRIS }).label).toBe('versicolor');
});

test('a [{ label, score }] list gives its top item', () => {
  const result = [
    { label: 'NEGATIVE', score: 0.12 },
    { label: 'POSITIVE', score: 0.88 },
  ];
  expect(read(result)).toEqual({ label: 'POSITIVE', confidence: 0.88 });
});

test('a { labels, scores } result (transformers.js zero-shot classification) gives the best of its own labels', () => {
  const result = {
    sequence: 'the battery died after a day',
    labels: ['complaint', 'praise', 'question'],
    scores: [0.81, 0.04, 0.15],
  };
  expect(read(result)).toEqual({ label: 'complaint', confidence: 0.81 });
  expect(read({ ...result, labels: ['question', 'praise', 'complaint'], scores: [0.15, 0.04, 0.81] })).toEqual({
    label: 'complaint',
    confidence: 0.81,
  });
  expect(read(result, { classes: IRIS })).toEqual({ label: 'complaint', confidence: 0.81 });
  expect(diagnostics.warnings).toEqual([]);
});

test('an object of named scores gives the best name and its score', () => {
  expect(read({ setosa: 0.03, versicolor: 0.91, virginica: 0.12 })).toEqual({ label: 'versicolor', confidence: 0.91 });
});

test('a model declared as regression never has its numbers read as class scores', () => {
  expect(read({ price: 0.42, discount: 0.1 }, { task: 'regression' })).toEqual({
    label: undefined,
    confidence: undefined,
  });
  expect(read(Float32Array.from([0.2, 0.8]), { task: 'regression' })).toEqual({
    label: undefined,
    confidence: undefined,
  });
  expect(read({ prediction: 3.5 }, { task: 'regression' }).label).toBe('3.5');
});

test('a single sigmoid output with two classes is the probability of the second class', () => {
  expect(read(Float32Array.from([0.8]), { classes: ['ham', 'spam'] })).toEqual({
    label: 'spam',
    confidence: expect.closeTo(0.8, 6),
  });
  expect(read(Float32Array.from([0.25]), { classes: ['ham', 'spam'] })).toEqual({ label: 'ham', confidence: 0.75 });
});

test('logits give the argmax only when classes names as many classes', () => {
  expect(read(Float32Array.from([-1.2, 3.4, 0.5]), { classes: IRIS })).toEqual({
    label: 'versicolor',
    confidence: undefined,
  });
  expect(read(Float32Array.from([-1.2, 3.4, 0.5]), { task: 'regression' })).toEqual({
    label: undefined,
    confidence: undefined,
  });
});

test('a one-element result with a fraction is a regression value, not a class', () => {
  expect(read(Float32Array.from([3.75]), { classes: IRIS })).toEqual({ label: undefined, confidence: undefined });
  expect(diagnostics.warnings).toEqual([]);
});

test('a tensor of several rows in a single call is several predictions: no label is made up', () => {
  expect(read(tfjsTensor([0.1, 0.9, 0.8, 0.2], [2, 2]), { task: 'regression' })).toEqual({
    label: undefined,
    confidence: undefined,
  });
});

test('a class index beyond classes is left off, counted and reported once naming classes', () => {
  const model = uniqueModel();
  const predict = traced(() => [7], { model, tracer: tracing.tracer, classes: IRIS });
  predict();
  predict();
  expect(tracing.spans()[0]!.attributes['ml.prediction.label']).toBeUndefined();
  expect(diagnostics.warnings).toHaveLength(1);
  expect(diagnostics.warnings[0]).toContain('class index 7 has no name in `classes` (3 names)');
});

test('probabilities of more classes than classes names are reported, not named wrongly', () => {
  read([0.1, 0.2, 0.3, 0.4], { classes: IRIS });
  expect(diagnostics.warnings[0]).toContain('the model gave 4 class scores but `classes` names 3 classes');
});

test('a batch of probability rows gives each item its label and confidence', () => {
  const seen: [string | undefined, number | undefined][] = [];
  const predict = traced((rows: number[][]) => rows.map(() => Float32Array.from([0.2, 0.8])), {
    model: uniqueModel(),
    tracer: tracing.tracer,
    batch: true,
    classes: ['no', 'yes'],
    observers: [{ onPrediction: (r) => seen.push([r.label, r.confidence]) }],
  });
  predict([[1], [2]]);
  expect(seen).toEqual([
    ['yes', expect.closeTo(0.8, 6)],
    ['yes', expect.closeTo(0.8, 6)],
  ]);
});

test('a batch returning a BigInt64Array of class indices gives each item its class', () => {
  const seen: (string | undefined)[] = [];
  const predict = traced((rows: number[][]) => BigInt64Array.from(rows.map((row) => BigInt(row[0]!))), {
    model: uniqueModel(),
    tracer: tracing.tracer,
    batch: true,
    classes: IRIS,
    observers: [{ onPrediction: (r) => seen.push(r.label) }],
  });
  predict([[2], [0], [1]]);
  expect(seen).toEqual(['virginica', 'setosa', 'versicolor']);
});

test('a batch returning onnxruntime outputs of shape [items, classes] is split per item', () => {
  const seen: [string | undefined, number | undefined][] = [];
  const predict = traced(
    (_rows: number[][]) => ({
      label: onnxTensor(BigInt64Array.from([2n, 0n]), [2]),
      probabilities: onnxTensor(Float32Array.from([0.1, 0.1, 0.8, 0.6, 0.3, 0.1]), [2, 3]),
    }),
    {
      model: uniqueModel(),
      tracer: tracing.tracer,
      batch: true,
      classes: IRIS,
      observers: [{ onPrediction: (r) => seen.push([r.label, r.confidence]) }],
    },
  );
  predict([[1], [2]]);
  expect(seen).toEqual([
    ['virginica', expect.closeTo(0.8, 6)],
    ['setosa', expect.closeTo(0.6, 6)],
  ]);
});
