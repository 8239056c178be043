import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPredictionMetricsRegistry } from '@modelsight/core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { OnnxRuntimeInstrumentation, type ModelMapping } from '../src/index';
import { captureDiag, memoryTracing } from '@modelsight/test-support';

// Models named, versioned and given classes by configuration, on the real onnxruntime-node; and calls made
// outside any span (a warm-up at load time) left out unless asked for.
const require = createRequire(__filename);
const { irisOnnxModel } = require('./support/tiny-models.cjs') as typeof import('./support/tiny-models.cjs');
const tracing = memoryTracing();
const diagnostics = captureDiag();
const instrumentation = new OnnxRuntimeInstrumentation();
instrumentation.setTracerProvider(tracing.provider);
const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
const feeds = () => ({ float_input: new ort.Tensor('float32', Float32Array.from([5.1, 3.5, 1.4, 0.2]), [1, 4]) });
const inRequest = <T>(fn: () => Promise<T>) =>
  tracing.tracer.startActiveSpan('GET /predict', async (span) => {
    try {
      return await fn();
    } finally {
      span.end();
    }
  });
const predictionSpans = () => tracing.spans().filter((span) => span.name.startsWith('predict '));

const IRIS_FROM_BYTES: ModelMapping = {
  match: { runtime: 'onnxruntime', inputNames: ['float_input'] },
  name: 'iris-from-bytes',
  version: '5.0.0',
  classes: ['setosa', 'versicolor', 'virginica'],
};
const dir = mkdtempSync(join(tmpdir(), 'modelsight-mappings-'));
let fromBytes: import('onnxruntime-node').InferenceSession;
let fromFile: import('onnxruntime-node').InferenceSession;
beforeAll(async () => {
  writeFileSync(join(dir, 'iris-file.onnx'), irisOnnxModel());
  fromBytes = await ort.InferenceSession.create(irisOnnxModel());
  fromFile = await ort.InferenceSession.create(join(dir, 'iris-file.onnx'));
});
beforeEach(() => diagnostics.reset());
afterEach(() => {
  tracing.reset();
  for (const name of ['MODELSIGHT_MODELS', 'MODELSIGHT_MODELS_FILE', 'MODELSIGHT_TRACE_ROOT_PREDICTIONS'])
    delete process.env[name];
  instrumentation.setConfig({});
});
afterAll(() => instrumentation.disable());

test('a session created from bytes gets the name, version and classes of the mapping its input names match', async () => {
  instrumentation.setConfig({ models: [IRIS_FROM_BYTES] });
  await inRequest(() => fromBytes.run(feeds()));
  expect(predictionSpans()[0]!.attributes).toMatchObject({
    'ml.model.name': 'iris-from-bytes',
    'ml.model.version': '5.0.0',
    'ml.prediction.label': 'setosa',
  });
});

test('the first mapping that matches wins; a location matches by its last path segments', async () => {
  instrumentation.setConfig({
    models: [{ match: { location: `${dir.split('/').at(-1)}/iris-file.onnx` }, name: 'iris-by-path' }, IRIS_FROM_BYTES],
  });
  await inRequest(() => fromFile.run(feeds()));
  await inRequest(() => fromBytes.run(feeds()));
  expect(predictionSpans().map((span) => span.attributes['ml.model.name'])).toEqual([
    'iris-by-path',
    'iris-from-bytes',
  ]);
});

test('the options win over the mappings', async () => {
  instrumentation.setConfig({ models: [IRIS_FROM_BYTES], modelName: 'named-in-code' });
  await inRequest(() => fromBytes.run(feeds()));
  expect(predictionSpans()[0]!.attributes).toMatchObject({
    'ml.model.name': 'named-in-code',
    'ml.model.version': '5.0.0',
  });
});

test('MODELSIGHT_MODELS_FILE names the models, and so does MODELSIGHT_MODELS inline, checked first', async () => {
  const file = join(dir, 'models.json');
  writeFileSync(file, JSON.stringify({ models: [IRIS_FROM_BYTES] }));
  process.env.MODELSIGHT_MODELS_FILE = file;
  instrumentation.setConfig({});
  await inRequest(() => fromBytes.run(feeds()));
  process.env.MODELSIGHT_MODELS = JSON.stringify([{ match: { name: 'onnx-model' }, name: 'inline-name' }]);
  instrumentation.setConfig({});
  await inRequest(() => fromBytes.run(feeds()));
  expect(predictionSpans().map((span) => span.attributes['ml.model.name'])).toEqual(['iris-from-bytes', 'inline-name']);
  expect(diagnostics.warnings).toEqual([]);
});

test.each([
  ['a file that does not exist', (file: string) => file, /ENOENT/],
  ['a file that is not JSON', (file: string) => (writeFileSync(file, '{ models: '), file), /JSON/],
  [
    'a mapping without a match',
    (file: string) => (writeFileSync(file, JSON.stringify([{ name: 'x' }])), file),
    /\[0\]\.match: must be an object/,
  ],
])('%s: one warning naming the variable and the path, and the names the runtime gives', async (_, write, reason) => {
  const file = write(join(dir, `bad-${Math.random()}.json`));
  process.env.MODELSIGHT_MODELS_FILE = file;
  instrumentation.setConfig({});
  const other = new OnnxRuntimeInstrumentation({ enabled: false });
  await inRequest(() => fromBytes.run(feeds()));
  expect(predictionSpans()[0]!.attributes['ml.model.name']).toBe('onnx-model');
  expect(diagnostics.warnings).toHaveLength(1);
  expect(diagnostics.warnings[0]).toContain(`MODELSIGHT_MODELS_FILE=${JSON.stringify(file)} is not valid`);
  expect(diagnostics.warnings[0]).toMatch(reason);
  other.disable();
});

test('a bad models option is a setup error naming the option and the entry', () => {
  expect(() => instrumentation.setConfig({ models: [{ match: { inputNames: 'float_input' } } as never] })).toThrow(
    /option models must be model mappings; \[0\]\.match\.inputNames: must be a non-empty array/,
  );
});

test('a run outside any span (a warm-up at load time) is no prediction by default; inside a request it is', async () => {
  const stats = getPredictionMetricsRegistry().forModel({ name: 'onnx-model', version: 'unknown' });
  const before = stats.ok;
  await fromBytes.run(feeds());
  expect(tracing.spans()).toEqual([]);
  expect(stats.ok).toBe(before);
  await inRequest(() => fromBytes.run(feeds()));
  expect(predictionSpans()).toHaveLength(1);
  expect(predictionSpans()[0]!.parentSpanContext?.spanId).toBe(
    tracing
      .spans()
      .find((span) => span.name === 'GET /predict')!
      .spanContext().spanId,
  );
  expect(stats.ok).toBe(before + 1);
});

test('MODELSIGHT_TRACE_ROOT_PREDICTIONS=true traces them as root spans; a bad value warns once and keeps false', async () => {
  process.env.MODELSIGHT_TRACE_ROOT_PREDICTIONS = 'true';
  instrumentation.setConfig({});
  await fromBytes.run(feeds());
  expect(predictionSpans()).toHaveLength(1);
  expect(predictionSpans()[0]!.parentSpanContext).toBeUndefined();
  tracing.reset();
  process.env.MODELSIGHT_TRACE_ROOT_PREDICTIONS = 'yes';
  instrumentation.setConfig({});
  instrumentation.setConfig({});
  await fromBytes.run(feeds());
  expect(predictionSpans()).toHaveLength(0);
  expect(diagnostics.warnings).toEqual([
    expect.stringContaining(
      'MODELSIGHT_TRACE_ROOT_PREDICTIONS="yes" is not valid (expected true or false); using false',
    ),
  ]);
});
