// Cost of the runtime instrumentations per call, against the bare call and against traced() around the same
// bare call, measured in one run with interleaved rounds: onnxruntime-node InferenceSession.run and
// TensorFlow.js Sequential.predict on the iris models of the tests, and a transformers.js pipeline call.
// Run: npm run build && npm run bench -w @modelsight/instrumentations
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_ML_INPUT_SHAPES, traced } from '@modelsight/core';
import {
  OnnxRuntimeInstrumentation,
  TfjsInstrumentation,
  TransformersInstrumentation,
} from '@modelsight/instrumentations';

const require = createRequire(import.meta.url);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
// Spans go through the batch processor to an exporter that drops them, as in a service.
const discard = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discard)] });
const tracer = provider.getTracer('bench');
const onnxInstrumentation = new OnnxRuntimeInstrumentation();
for (const instrumentation of [onnxInstrumentation, new TfjsInstrumentation(), new TransformersInstrumentation()]) {
  instrumentation.setTracerProvider(provider);
}
const models = require('../test/support/tiny-models.cjs');
const ort = require('onnxruntime-node');
const tf = require('@tensorflow/tfjs');
const transformers = require('@huggingface/transformers');

const ROUNDS = Number(process.argv[2] ?? 11);
const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));

/** Median ns per call of each scenario, rounds interleaved so that machine noise hits all alike. */
async function medians(scenarios, calls) {
  const samples = Object.fromEntries(Object.keys(scenarios).map((name) => [name, []]));
  const round = async (fn) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) {
      await fn(i);
      if ((i & 255) === 255) await yieldToEventLoop();
    }
    return Number(process.hrtime.bigint() - start) / calls;
  };
  for (const fn of Object.values(scenarios)) await round(fn);
  const entries = Object.entries(scenarios);
  for (let r = 0; r < ROUNDS; r++) {
    // Each round starts with another scenario, so that none always runs first (warm caches, JIT, GC debt).
    for (let k = 0; k < entries.length; k++) {
      const [name, fn] = entries[(r + k) % entries.length];
      samples[name].push(await round(fn));
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return Object.fromEntries(Object.entries(samples).map(([name, xs]) => [name, median(xs)]));
}

function report(title, ns, calls) {
  const [bare, instrumented, wrapped, wrappedWithShapes] = Object.values(ns);
  console.log(`\n${title} — median of ${ROUNDS} interleaved rounds of ${calls} calls, Node ${process.version}`);
  for (const [name, value] of Object.entries(ns))
    console.log(
      `  ${name.padEnd(44)} ${(value / 1000).toFixed(1).padStart(9)} µs/call  +${((value - bare) / 1000).toFixed(1).padStart(6)} µs`,
    );
  const added = instrumented - bare;
  const tracedAdded = wrapped - bare;
  console.log(
    `  instrumentation adds ${(added / 1000).toFixed(1)} µs, traced() adds ${(tracedAdded / 1000).toFixed(1)} µs: ratio ${(added / tracedAdded).toFixed(2)} (target <= 1)`,
  );
  if (wrappedWithShapes !== undefined) {
    const same = wrappedWithShapes - bare;
    console.log(
      `  traced() with the same ml.input.shapes attribute adds ${(same / 1000).toFixed(1)} µs: ratio ${(added / same).toFixed(2)}`,
    );
  }
}

const ROWS = Array.from({ length: 64 }, (_, i) => [
  5 + (i % 7) / 5,
  3 + (i % 5) / 5,
  1 + (i % 11) / 2,
  0.2 + (i % 13) / 5,
]);

// onnxruntime-node: the same session, run through the patched method, the original, and traced(original).
const session = await ort.InferenceSession.create(models.irisOnnxModel());
const bareRun = ort.InferenceSession.prototype.run.__original;
const feeds = ROWS.map((row) => ({ float_input: new ort.Tensor('float32', Float32Array.from(row), [1, 4]) }));
const tracedRun = traced((f) => bareRun.call(session, f), { model: { name: 'iris-onnx', version: '1' }, tracer });
const onnxShapes = { [ATTR_ML_INPUT_SHAPES]: 'float_input[1,4]' };
const tracedRunWithShapes = traced((f) => bareRun.call(session, f), {
  model: { name: 'iris-onnx', version: '1' },
  tracer,
  attributes: () => onnxShapes,
});
const onnxCalls = 2000;
report(
  'onnxruntime-node InferenceSession.run, one iris row',
  await medians(
    {
      'bare session.run': (i) => bareRun.call(session, feeds[i & 63]),
      'instrumented session.run': (i) => session.run(feeds[i & 63]),
      'traced() around bare session.run': (i) => tracedRun(feeds[i & 63]),
      'traced() + the same attributes': (i) => tracedRunWithShapes(feeds[i & 63]),
    },
    onnxCalls,
  ),
  onnxCalls,
);

// TensorFlow.js: Sequential.predict calls its inner LayersModel; bare is that inner call unpatched, instrumented
// the same inner call patched, so that all four run the same work (Sequential.predict adds its own checks).
const sequential = await models.trainIrisSequential(tf, 'iris-tfjs', 20);
const patchedLayersPredict = tf.LayersModel.prototype.predict;
const bareLayersPredict = patchedLayersPredict.__original;
const inputs = ROWS.map((row) => tf.tensor2d([row]));
const barePredict = (x) => bareLayersPredict.call(sequential.model, x);
const tracedPredict = traced(barePredict, { model: { name: 'iris-tfjs', version: '1' }, tracer });
const tfShapes = { [ATTR_ML_INPUT_SHAPES]: '[1,4]' };
const tracedPredictWithShapes = traced(barePredict, {
  model: { name: 'iris-tfjs', version: '1' },
  tracer,
  attributes: () => tfShapes,
});
const tfCalls = 2000;
const dispose = (tensor) => tensor.dispose();
report(
  'TensorFlow.js Sequential.predict, one iris row (output read and disposed)',
  await medians(
    {
      'bare predict': (i) => dispose(barePredict(inputs[i & 63])),
      'instrumented predict': (i) => dispose(patchedLayersPredict.call(sequential.model, inputs[i & 63])),
      'traced() around bare predict': (i) => dispose(tracedPredict(inputs[i & 63])),
      'traced() + the same attributes': (i) => dispose(tracedPredictWithShapes(inputs[i & 63])),
    },
    tfCalls,
  ),
  tfCalls,
);

// transformers.js: the pipeline call (tokenizer, ONNX session, softmax, top-k session).
const root = mkdtempSync(join(tmpdir(), 'modelsight-bench-'));
models.writeSentimentModel(root, 'local/sentiment');
transformers.env.allowRemoteModels = false;
transformers.env.localModelPath = root;
const classify = await transformers.pipeline('text-classification', 'local/sentiment');
// The pipeline runs two ONNX sessions per call. Inside an instrumented call they make no span (a prediction
// is active); the bare call must not trace them either, so the onnxruntime instrumentation is turned off.
onnxInstrumentation.disable();
// Each is the pipeline's `_call`, without the callable wrapper that `classify(text)` goes through first.
const patchedCall = transformers.TextClassificationPipeline.prototype._call;
const bareCall = patchedCall.__original;
const texts = ['the movie was great', 'awful movie', 'I love it', 'bad bad bad'];
const tracedCall = traced((text) => bareCall.call(classify, text), {
  model: { name: 'local/sentiment', version: '1' },
  tracer,
});
const textCalls = 1000;
report(
  'transformers.js text-classification pipeline call',
  await medians(
    {
      'bare pipeline call': (i) => bareCall.call(classify, texts[i & 3]),
      'instrumented pipeline call': (i) => patchedCall.call(classify, texts[i & 3]),
      'traced() around bare pipeline call': (i) => tracedCall(texts[i & 3]),
    },
    textCalls,
  ),
  textCalls,
);
await provider.shutdown();
