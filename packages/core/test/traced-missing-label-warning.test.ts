import { afterEach, beforeEach, expect, test } from 'vitest';
import { createTracedCall, traced } from '../src/index';
import { captureDiag, memoryTracing, uniqueModel } from '@modelsight/test-support';

const tracing = memoryTracing();
const diagnostics = captureDiag();
beforeEach(() => diagnostics.reset());
afterEach(() => tracing.reset());

test('predictions with neither label nor confidence are reported once per wrapped function, naming the options that fix it', () => {
  const model = uniqueModel();
  const predict = traced((_row: number[]) => [1], { model, tracer: tracing.tracer });
  predict([5.1, 3.5]);
  predict([6.2, 2.9]);
  expect(diagnostics.warnings).toHaveLength(1);
  const warning = diagnostics.warnings[0]!;
  expect(warning).toContain(
    `predictions of ${model.name} 1.0.0 give neither a label nor a confidence (the result is an array of 1)`,
  );
  expect(warning).toContain('`classes`');
  expect(warning).toContain('`label` / `confidence` extractors');
  expect(warning).toContain("`task: 'regression'`");
});

test('a second wrapper of another function warns on its own', () => {
  traced(() => ({ out: 1 }), { model: uniqueModel(), tracer: tracing.tracer })();
  traced(() => ({ out: 2 }), { model: uniqueModel(), tracer: tracing.tracer })();
  expect(diagnostics.warnings).toHaveLength(2);
  expect(diagnostics.warnings[0]).toContain('an object with keys out');
});

test('a model declared as regression is never warned about', () => {
  traced(() => 42, { model: uniqueModel(), tracer: tracing.tracer, task: 'regression' })();
  expect(diagnostics.warnings).toEqual([]);
});

test('a result that is a fraction reads as a regression value and is not warned about', () => {
  traced(() => 231.5, { model: uniqueModel(), tracer: tracing.tracer })();
  traced(() => Float32Array.from([0.42]), { model: uniqueModel(), tracer: tracing.tracer })();
  expect(diagnostics.warnings).toEqual([]);
});

test('custom extractors that find nothing get a warning about the extractors', () => {
  traced(() => ({ a: 1 }), { model: uniqueModel(), tracer: tracing.tracer, label: () => undefined })();
  expect(diagnostics.warnings[0]).toContain('set `label` / `confidence` extractors that find them');
});

test('a batch whose items give neither is reported once, describing an item', () => {
  const predict = traced((rows: number[]) => rows.map(() => ({ out: 1 })), {
    model: uniqueModel(),
    tracer: tracing.tracer,
    batch: true,
  });
  predict([1, 2, 3]);
  predict([4]);
  expect(diagnostics.warnings).toHaveLength(1);
  expect(diagnostics.warnings[0]).toContain('the result is an object with keys out');
});

test('the warning shows the shape of the result, never its values', () => {
  traced(() => ({ secret_feature: 'alice@example.com' }), { model: uniqueModel(), tracer: tracing.tracer })();
  expect(diagnostics.warnings[0]).not.toContain('alice@example.com');
});

test('a traced call that expects no label (generated text, embeddings) is never warned about', () => {
  const call = createTracedCall(() => ({ generated_text: 'hello' }), {
    model: uniqueModel(),
    tracer: tracing.tracer,
    expectLabel: false,
  });
  call(undefined, []);
  expect(tracing.spans()).toHaveLength(1);
  expect(diagnostics.warnings).toEqual([]);
});
