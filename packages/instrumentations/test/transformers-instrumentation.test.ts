import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPredictionMetricsRegistry } from '@modelsight/core';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { OnnxRuntimeInstrumentation, TransformersInstrumentation } from '../src/index';
import { isLabelledTask } from '../src/transformers-instrumentation';
import { captureDiag, memoryTracing } from '@modelsight/test-support';

// The real @huggingface/transformers with a model folder written here: config.json with id2label, a
// word-level tokenizer and an ONNX text classifier, loaded locally (no remote models).
const require = createRequire(__filename);
const { writeSentimentModel } = require('./support/tiny-models.cjs') as typeof import('./support/tiny-models.cjs');
const tracing = memoryTracing();
const diagnostics = captureDiag();
const instrumentation = new TransformersInstrumentation({ modelVersion: '0.3.0', traceRootPredictions: true });
instrumentation.setTracerProvider(tracing.provider);
// Both on, as under the preload: the sessions run by the pipeline must not make spans of their own.
const onnxInstrumentation = new OnnxRuntimeInstrumentation({ traceRootPredictions: true });
onnxInstrumentation.setTracerProvider(tracing.provider);
const transformers = require('@huggingface/transformers') as typeof import('@huggingface/transformers');

type Classifier = (texts: string | string[], options?: { top_k?: number }) => Promise<unknown>;
let classify: Classifier;
beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'modelsight-transformers-'));
  writeSentimentModel(root, 'local/sentiment');
  transformers.env.allowRemoteModels = false;
  transformers.env.localModelPath = root;
  classify = (await transformers.pipeline('text-classification', 'local/sentiment')) as unknown as Classifier;
});
beforeEach(() => {
  diagnostics.reset();
  tracing.reset();
});
afterAll(() => {
  instrumentation.disable();
  onnxInstrumentation.disable();
});

test('a pipeline call makes one span named after the model id, with the top label and score', async () => {
  const result = (await classify('the movie was great')) as { label: string; score: number }[];
  expect(result[0]!.label).toBe('POSITIVE');
  const spans = tracing.spans();
  expect(spans.map((span) => span.name)).toEqual(['predict local/sentiment']);
  expect(spans[0]!.instrumentationScope.name).toBe('@modelsight/instrumentation-transformers');
  expect(spans[0]!.attributes).toMatchObject({
    'ml.model.name': 'local/sentiment',
    'ml.model.version': '0.3.0',
    'ml.prediction.label': 'POSITIVE',
    'ml.prediction.confidence': result[0]!.score,
  });
});

test('the ONNX sessions a pipeline runs (its model, its top-k helper) make no span of their own', async () => {
  await classify('awful awful movie', { top_k: 2 });
  await classify('I love it');
  expect(tracing.spans().map((span) => span.instrumentationScope.name)).toEqual([
    '@modelsight/instrumentation-transformers',
    '@modelsight/instrumentation-transformers',
  ]);
  expect(tracing.spans()[0]!.attributes['ml.prediction.label']).toBe('NEGATIVE');
});

test('an array of texts is a batch: one span with ml.batch.size, a prediction per text', async () => {
  const stats = getPredictionMetricsRegistry().forModel({ name: 'local/sentiment', version: '0.3.0' });
  const before = { ok: stats.ok, confidences: stats.confidence.count };
  const seen: (string | undefined)[] = [];
  instrumentation.setConfig({
    traceRootPredictions: true,
    modelVersion: '0.3.0',
    observers: [{ onPrediction: (record) => seen.push(record.label) }],
  });
  try {
    await classify(['good good', 'bad awful', 'great']);
  } finally {
    instrumentation.setConfig({ traceRootPredictions: true, modelVersion: '0.3.0' });
  }
  expect(tracing.spans()).toHaveLength(1);
  expect(tracing.spans()[0]!.attributes['ml.batch.size']).toBe(3);
  expect(seen).toEqual(['POSITIVE', 'NEGATIVE', 'POSITIVE']);
  expect(stats.ok - before.ok).toBe(3);
  expect(stats.confidence.count - before.confidences).toBe(3);
});

test('the ONNX session of a model used outside a pipeline is still traced by the onnxruntime instrumentation', async () => {
  const { InferenceSession, Tensor } = require('onnxruntime-node') as typeof import('onnxruntime-node');
  const { sentimentOnnxModel } = require('./support/tiny-models.cjs') as typeof import('./support/tiny-models.cjs');
  const session = await InferenceSession.create(sentimentOnnxModel());
  await session.run({ input_ids: new Tensor('int64', BigInt64Array.from([2n, 3n]), [1, 2]) });
  expect(tracing.spans().map((span) => span.name)).toEqual(['predict onnx-model']);
});

test('a pipeline whose results are no classification (feature extraction) is traced without a warning about labels', async () => {
  const extract = (await transformers.pipeline('feature-extraction', 'local/sentiment')) as unknown as (
    text: string,
  ) => Promise<unknown>;
  await extract('the movie was great');
  const spans = tracing.spans();
  expect(spans.map((span) => span.name)).toEqual(['predict local/sentiment']);
  expect(spans[0]!.attributes['ml.prediction.label']).toBeUndefined();
  expect(diagnostics.warnings).toEqual([]);
});

test('the tasks of transformers.js that give labels or scores are told apart from those that generate', () => {
  const labelled = [
    'text-classification',
    'token-classification',
    'zero-shot-classification',
    'audio-classification',
    'zero-shot-audio-classification',
    'image-classification',
    'zero-shot-image-classification',
    'image-segmentation',
    'object-detection',
    'zero-shot-object-detection',
    'question-answering',
    'document-question-answering',
    'fill-mask',
    'sentiment-analysis',
    'ner',
  ];
  const unlabelled = [
    'text-generation',
    'text2text-generation',
    'summarization',
    'translation',
    'translation_en_to_fr',
    'automatic-speech-recognition',
    'text-to-audio',
    'image-to-text',
    'image-to-image',
    'background-removal',
    'depth-estimation',
    'feature-extraction',
    'image-feature-extraction',
  ];
  expect(labelled.filter((task) => !isLabelledTask(task))).toEqual([]);
  expect(unlabelled.filter((task) => isLabelledTask(task))).toEqual([]);
  expect(isLabelledTask(undefined)).toBe(true);
});
