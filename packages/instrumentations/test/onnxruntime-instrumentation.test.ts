import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPredictionMetricsRegistry, traced } from '@modelsight/core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { OnnxRuntimeInstrumentation } from '../src/index';
import { captureDiag, memoryTracing } from '@modelsight/test-support';

// The real onnxruntime-node, running an iris classifier written in the test with onnx-proto.
const require = createRequire(__filename);
const { IRIS_CLASSES, irisOnnxModel } =
  require('./support/tiny-models.cjs') as typeof import('./support/tiny-models.cjs');
const tracing = memoryTracing();
const diagnostics = captureDiag();
const instrumentation = new OnnxRuntimeInstrumentation({
  modelVersion: '2.0.0',
  classes: IRIS_CLASSES,
  traceRootPredictions: true,
});
instrumentation.setTracerProvider(tracing.provider);
const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');

const SETOSA = [5.1, 3.5, 1.4, 0.2];
const VIRGINICA = [6.3, 3.3, 6, 2.5];
const VERSICOLOR = [5.9, 3.0, 4.2, 1.5];
const feeds = (...rows: number[][]) => ({
  float_input: new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 4]),
});

let session: import('onnxruntime-node').InferenceSession;
let modelPath: string;
beforeAll(async () => {
  modelPath = join(mkdtempSync(join(tmpdir(), 'modelsight-onnx-')), 'iris-classifier.onnx');
  writeFileSync(modelPath, irisOnnxModel());
  session = await ort.InferenceSession.create(modelPath);
});
beforeEach(() => diagnostics.reset());
afterEach(() => tracing.reset());
afterAll(() => instrumentation.disable());

test('session.run makes one span named after the model file, with the traced() attributes and the input shapes', async () => {
  const outputs = await session.run(feeds(SETOSA));
  expect(outputs.label!.data).toEqual(BigInt64Array.from([0n]));
  const spans = tracing.spans();
  expect(spans).toHaveLength(1);
  const span = spans[0]!;
  expect(span.name).toBe('predict iris-classifier');
  expect(span.instrumentationScope.name).toBe('@modelsight/instrumentation-onnxruntime');
  expect(span.attributes).toMatchObject({
    'ml.model.name': 'iris-classifier',
    'ml.model.version': '2.0.0',
    'ml.prediction.label': 'setosa',
    'ml.input.shapes': 'float_input[1,4]',
  });
  expect(span.attributes['ml.prediction.confidence']).toBeCloseTo((outputs.probabilities!.data as Float32Array)[0]!, 6);
  expect(typeof span.attributes['ml.prediction.id']).toBe('string');
});

test('a run of several rows is a batch: ml.batch.size on the span, a prediction and a confidence per row', async () => {
  const stats = getPredictionMetricsRegistry().forModel({ name: 'iris-classifier', version: '2.0.0' });
  const before = { ok: stats.ok, confidences: stats.confidence.count, batches: stats.batchSize.count };
  const outputs = await session.run(feeds(SETOSA, VIRGINICA, VERSICOLOR));
  expect(Array.from(outputs.label!.data as BigInt64Array)).toEqual([0n, 2n, 1n]);
  const span = tracing.spans()[0]!;
  expect(span.attributes['ml.batch.size']).toBe(3);
  expect(span.attributes['ml.input.shapes']).toEqual('float_input[3,4]');
  expect(span.attributes['ml.prediction.label']).toBeUndefined();
  expect(stats.ok - before.ok).toBe(3);
  expect(stats.confidence.count - before.confidences).toBe(3);
  expect(stats.batchSize.count - before.batches).toBe(1);
});

test('a run inside a traced() call is not traced twice', async () => {
  const predict = traced(async (row: number[]) => session.run(feeds(row)), {
    model: { name: 'wrapped-iris', version: '1' },
    classes: IRIS_CLASSES,
    tracer: tracing.tracer,
  });
  await predict(VIRGINICA);
  const spans = tracing.spans();
  expect(spans.map((span) => span.name)).toEqual(['predict wrapped-iris']);
  expect(spans[0]!.attributes['ml.prediction.label']).toBe('virginica');
});

test('a session created from bytes is named by the modelName option, or onnx-model', async () => {
  const fromBytes = await ort.InferenceSession.create(irisOnnxModel());
  await fromBytes.run(feeds(SETOSA));
  expect(tracing.spans()[0]!.attributes['ml.model.name']).toBe('onnx-model');
  tracing.reset();
  instrumentation.setConfig({
    traceRootPredictions: true,
    modelName: (model) => (model.location === undefined ? 'iris-from-bytes' : model.name),
    modelVersion: '2.0.0',
  });
  try {
    await fromBytes.run(feeds(SETOSA));
    await session.run(feeds(SETOSA));
  } finally {
    instrumentation.setConfig({ traceRootPredictions: true, modelVersion: '2.0.0', classes: IRIS_CLASSES });
  }
  expect(tracing.spans().map((span) => span.attributes['ml.model.name'])).toEqual([
    'iris-from-bytes',
    'iris-classifier',
  ]);
  // Without classes, the argmax is the class index.
  expect(tracing.spans()[0]!.attributes['ml.prediction.label']).toBe('0');
});

test('the version comes from MODELSIGHT_MODEL_VERSION when no option gives one', async () => {
  instrumentation.setConfig({ traceRootPredictions: true });
  process.env.MODELSIGHT_MODEL_VERSION = '3.1.4';
  try {
    await session.run(feeds(SETOSA));
  } finally {
    delete process.env.MODELSIGHT_MODEL_VERSION;
    instrumentation.setConfig({ traceRootPredictions: true, modelVersion: '2.0.0', classes: IRIS_CLASSES });
  }
  expect(tracing.spans()[0]!.attributes['ml.model.version']).toBe('3.1.4');
});

test('a failing run rejects with the runtime error unchanged and its span records the error', async () => {
  const bad = { float_input: new ort.Tensor('float32', Float32Array.from([1, 2, 3]), [1, 3]) };
  const error = await session.run(bad).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toMatch(/dimension|shape|Got invalid/i);
  const span = tracing.spans()[0]!;
  expect(span.status.code).toBe(2);
  expect(span.attributes['error.type']).toBe('Error');
});

test('a disabled instrumentation leaves run untouched', async () => {
  instrumentation.disable();
  try {
    const outputs = await session.run(feeds(SETOSA));
    expect(outputs.label!.data).toEqual(BigInt64Array.from([0n]));
    expect(tracing.spans()).toEqual([]);
  } finally {
    instrumentation.enable();
  }
  await session.run(feeds(SETOSA));
  expect(tracing.spans()).toHaveLength(1);
});

test('a model name function that throws leaves the model uninstrumented, reported once', async () => {
  instrumentation.setConfig({
    traceRootPredictions: true,
    modelName: () => {
      throw new Error('no registry');
    },
  });
  try {
    const outputs = await session.run(feeds(SETOSA));
    await session.run(feeds(SETOSA));
    expect(outputs.label!.data).toEqual(BigInt64Array.from([0n]));
  } finally {
    instrumentation.setConfig({ traceRootPredictions: true, modelVersion: '2.0.0', classes: IRIS_CLASSES });
  }
  expect(tracing.spans()).toEqual([]);
  expect(diagnostics.warnings).toHaveLength(1);
  expect(diagnostics.warnings[0]).toContain('run calls of a model are not traced: no registry');
});

test('label and confidence extractors given as options replace the defaults', async () => {
  instrumentation.setConfig({
    traceRootPredictions: true,
    modelVersion: '2.0.0',
    label: (outputs) =>
      (outputs as { label: { data: BigInt64Array } }).label.data[0] === 0n ? 'small flower' : 'large flower',
    confidence: () => 0.5,
  });
  try {
    await session.run(feeds(SETOSA));
  } finally {
    instrumentation.setConfig({ traceRootPredictions: true, modelVersion: '2.0.0', classes: IRIS_CLASSES });
  }
  expect(tracing.spans()[0]!.attributes).toMatchObject({
    'ml.prediction.label': 'small flower',
    'ml.prediction.confidence': 0.5,
  });
});
