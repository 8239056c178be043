import { afterEach, beforeEach, expect, test } from 'vitest';
import { createTracedCall, getActivePrediction, getPredictionMetricsRegistry, traced } from '../src/index';
import { captureDiag, memoryTracing, uniqueModel } from '@modelsight/test-support';

// createTracedCall is what traced() and the runtime instrumentations share.
const tracing = memoryTracing();
const diagnostics = captureDiag();
beforeEach(() => diagnostics.reset());
afterEach(() => tracing.reset());

const classify = function (this: { bias: number }, rows: number[][]) {
  return rows.length === 1 ? [rows[0]![0]! + this.bias, 0.1] : rows.map((row) => [row[0]! + this.bias, 0.1]);
};

test('a traced call makes the span traced() makes, keeps this, and counts the prediction', () => {
  const model = uniqueModel();
  const call = createTracedCall(classify, { model, tracer: tracing.tracer, classes: ['yes', 'no'] });
  expect(call({ bias: 0.5 }, [[[0.4]]])).toEqual([0.9, 0.1]);
  const span = tracing.spans()[0]!;
  expect(span.name).toBe(`predict ${model.name}`);
  expect(span.attributes).toMatchObject({
    'ml.model.name': model.name,
    'ml.prediction.label': 'yes',
    'ml.prediction.confidence': 0.9,
  });
  expect(getPredictionMetricsRegistry().forModel(model).ok).toBe(1);
});

test('batch mode decided per call: a size makes a batch, undefined a single prediction', () => {
  const model = uniqueModel();
  const call = createTracedCall(classify, {
    model,
    tracer: tracing.tracer,
    batch: (args) => {
      const rows = args[0] as number[][];
      return rows.length > 1 ? rows.length : undefined;
    },
  });
  call({ bias: 0 }, [[[0.2], [0.8], [0.3]]]);
  call({ bias: 0 }, [[[0.7]]]);
  const [batch, single] = tracing.spans();
  expect(batch!.attributes['ml.batch.size']).toBe(3);
  expect(batch!.attributes['ml.prediction.label']).toBeUndefined();
  expect(single!.attributes['ml.batch.size']).toBeUndefined();
  expect(single!.attributes['ml.prediction.label']).toBe('0');
  const stats = getPredictionMetricsRegistry().forModel(model);
  expect(stats.ok).toBe(4);
  expect(stats.confidence.count).toBe(4);
  expect(stats.batchSize.count).toBe(1);
});

test('the attributes option adds attributes of the call to its span', () => {
  const predict = traced((rows: number[][]) => rows.map(() => 'a'), {
    model: uniqueModel(),
    tracer: tracing.tracer,
    attributes: (rows) => ({ 'ml.input.shapes': `[${rows.length},${rows[0]!.length}]` }),
  });
  predict([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  expect(tracing.spans()[0]!.attributes['ml.input.shapes']).toBe('[2,3]');
});

test('an attributes option that throws is reported once and the prediction goes on', () => {
  const predict = traced((x: number) => ({ label: String(x) }), {
    model: uniqueModel(),
    tracer: tracing.tracer,
    attributes: () => {
      throw new Error('no shape');
    },
  });
  expect(predict(1)).toEqual({ label: '1' });
  expect(predict(2)).toEqual({ label: '2' });
  expect(tracing.spans()).toHaveLength(2);
  expect(diagnostics.warnings).toHaveLength(1);
  expect(diagnostics.warnings[0]).toContain('the attributes option threw');
});

test('a batch size function that throws makes a single prediction and is reported', () => {
  const call = createTracedCall(() => ({ label: 'x' }), {
    model: uniqueModel(),
    tracer: tracing.tracer,
    batch: () => {
      throw new Error('no dims');
    },
  });
  expect(call(undefined, [])).toEqual({ label: 'x' });
  expect(tracing.spans()[0]!.attributes['ml.prediction.label']).toBe('x');
  expect(diagnostics.warnings[0]).toContain('the batch size of a call could not be read');
});

test('the wrapped function sees its prediction as the active one', () => {
  let seen: string | undefined;
  const call = createTracedCall(
    () => {
      seen = getActivePrediction()?.model.name;
      return 'a';
    },
    { model: { name: 'inner', version: '1' }, tracer: tracing.tracer },
  );
  call(undefined, []);
  expect(seen).toBe('inner');
});

test('bad options are refused when the call is built, naming the option', () => {
  expect(() => createTracedCall(() => 1, { model: uniqueModel(), classes: [] })).toThrow(
    /option classes must be a non-empty array of class names/,
  );
  expect(() => createTracedCall(() => 1, { model: uniqueModel(), attributes: 'x' as never })).toThrow(
    /option attributes must be a function/,
  );
});
