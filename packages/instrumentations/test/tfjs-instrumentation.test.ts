import { createRequire } from 'node:module';
import { getPredictionMetricsRegistry, traced } from '@modelsight/core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { TfjsInstrumentation } from '../src/index';
import { captureDiag, memoryTracing } from '@modelsight/test-support';

// The real @tensorflow/tfjs (pure JavaScript CPU backend): a Sequential trained here on iris, and a graph
// model of a linear iris classifier loaded from memory.
const require = createRequire(__filename);
const { IRIS_CLASSES, irisGraphModel, trainIrisSequential } =
  require('./support/tiny-models.cjs') as typeof import('./support/tiny-models.cjs');
const tracing = memoryTracing();
const diagnostics = captureDiag();
const instrumentation = new TfjsInstrumentation({
  modelVersion: '1.2.0',
  classes: IRIS_CLASSES,
  traceRootPredictions: true,
});
instrumentation.setTracerProvider(tracing.provider);
const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');

const SETOSA = [5.1, 3.5, 1.4, 0.2];
const VIRGINICA = [6.3, 3.3, 6, 2.5];
let sequential: import('@tensorflow/tfjs').Sequential;
let graph: import('@tensorflow/tfjs').GraphModel;
beforeAll(async () => {
  sequential = await trainIrisSequential(tf, 'iris-tfjs', 60);
  graph = await irisGraphModel(tf);
});
beforeEach(() => {
  diagnostics.reset();
  tracing.reset();
});
afterEach(() => tracing.reset());
afterAll(() => instrumentation.disable());

test('Sequential.predict makes one span, not one more for the LayersModel inside it', () => {
  const output = sequential.predict(tf.tensor2d([SETOSA])) as import('@tensorflow/tfjs').Tensor;
  const probabilities = output.dataSync();
  const spans = tracing.spans();
  expect(spans.map((span) => span.name)).toEqual(['predict iris-tfjs']);
  expect(spans[0]!.instrumentationScope.name).toBe('@modelsight/instrumentation-tfjs');
  expect(spans[0]!.attributes).toMatchObject({
    'ml.model.name': 'iris-tfjs',
    'ml.model.version': '1.2.0',
    'ml.prediction.label': 'setosa',
    'ml.input.shapes': '[1,4]',
  });
  expect(spans[0]!.attributes['ml.prediction.confidence']).toBeCloseTo(Math.max(...probabilities), 6);
});

test('a LayersModel built with tf.model is traced under its name', () => {
  const input = tf.input({ shape: [4] });
  const functional = tf.model({
    name: 'iris-functional',
    inputs: input,
    outputs: tf.layers
      .dense({ units: 3, activation: 'softmax' })
      .apply(input) as import('@tensorflow/tfjs').SymbolicTensor,
  });
  functional.predict(tf.tensor2d([VIRGINICA]));
  expect(tracing.spans().map((span) => span.name)).toEqual(['predict iris-functional']);
});

test('a predict of several rows is a batch with a confidence per row', () => {
  const stats = getPredictionMetricsRegistry().forModel({ name: 'iris-tfjs', version: '1.2.0' });
  const before = stats.confidence.count;
  sequential.predict(tf.tensor2d([SETOSA, VIRGINICA, SETOSA, VIRGINICA]));
  const span = tracing.spans()[0]!;
  expect(span.attributes['ml.batch.size']).toBe(4);
  expect(span.attributes['ml.input.shapes']).toEqual('[4,4]');
  expect(stats.confidence.count - before).toBe(4);
});

test('GraphModel.predict and executeAsync are traced, named by the modelName option for a model loaded from memory', async () => {
  instrumentation.setConfig({
    traceRootPredictions: true,
    modelVersion: '1.2.0',
    classes: IRIS_CLASSES,
    modelName: (model) => (model.location === undefined ? 'iris-graph' : model.name),
  });
  try {
    graph.predict(tf.tensor2d([VIRGINICA]));
    await graph.executeAsync(tf.tensor2d([SETOSA]));
  } finally {
    instrumentation.setConfig({ traceRootPredictions: true, modelVersion: '1.2.0', classes: IRIS_CLASSES });
  }
  const spans = tracing.spans();
  expect(spans.map((span) => [span.name, span.attributes['ml.prediction.label']])).toEqual([
    ['predict iris-graph', 'virginica'],
    ['predict iris-graph', 'setosa'],
  ]);
});

test('GraphModel.predictAsync makes one span, through executeAsync', async () => {
  await graph.predictAsync(tf.tensor2d([SETOSA]));
  expect(tracing.spans().map((span) => span.name)).toEqual(['predict tfjs-graph-model']);
});

test('a predict inside a traced() call is not traced twice', () => {
  const predict = traced((row: number[]) => sequential.predict(tf.tensor2d([row])), {
    model: { name: 'outer', version: '1' },
    tracer: tracing.tracer,
    classes: IRIS_CLASSES,
  });
  predict(VIRGINICA);
  expect(tracing.spans().map((span) => [span.name, span.attributes['ml.prediction.label']])).toEqual([
    ['predict outer', 'virginica'],
  ]);
});

test('a predict that throws rethrows the TensorFlow.js error unchanged, recorded on the span', () => {
  expect(() => sequential.predict(tf.tensor2d([[1, 2, 3]]))).toThrow(
    /expected dense_Dense\d+_input to have shape \[null,4\]/,
  );
  expect(tracing.spans()[0]!.status.code).toBe(2);
});
