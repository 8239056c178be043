import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, expect, test } from 'vitest';
import { traced } from '../src/index';
import { memoryTracing, uniqueModel } from '@modelsight/test-support';

const tracing = memoryTracing();
afterEach(() => tracing.reset());

test('a sync prediction becomes one INTERNAL span named after the operation and the model', () => {
  const model = uniqueModel('iris');
  const predict = traced((x: number) => ({ label: 'setosa', confidence: 0.9, x }), { model, tracer: tracing.tracer });
  predict(1);
  const [span] = tracing.spans();
  expect(tracing.spans()).toHaveLength(1);
  expect(span!.name).toBe(`predict ${model.name}`);
  expect(span!.kind).toBe(SpanKind.INTERNAL);
  expect(span!.status.code).toBe(SpanStatusCode.UNSET);
});

test('the span carries model, version, confidence, label and a prediction ID', () => {
  const model = uniqueModel();
  const predict = traced(() => ({ label: 'virginica', confidence: 0.75 }), { model, tracer: tracing.tracer });
  predict();
  const { attributes } = tracing.spans()[0]!;
  expect(attributes['ml.model.name']).toBe(model.name);
  expect(attributes['ml.model.version']).toBe('1.0.0');
  expect(attributes['ml.prediction.confidence']).toBe(0.75);
  expect(attributes['ml.prediction.label']).toBe('virginica');
  expect(attributes['ml.prediction.id']).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
  expect(attributes['ml.batch.size']).toBeUndefined();
});

test('every prediction gets a different ID', () => {
  const predict = traced(() => 'a', { model: uniqueModel(), tracer: tracing.tracer });
  for (let i = 0; i < 50; i++) predict();
  const ids = new Set(tracing.spans().map((span) => span.attributes['ml.prediction.id']));
  expect(ids.size).toBe(50);
});

test('the operation word of the span name can be changed', () => {
  const model = uniqueModel();
  traced(() => 1, { model, operation: 'score', tracer: tracing.tracer })();
  expect(tracing.spans()[0]!.name).toBe(`score ${model.name}`);
});

test('a sync function stays sync and returns the very same result object', () => {
  const result = { label: 'a' };
  const predict = traced(() => result, { model: uniqueModel(), tracer: tracing.tracer });
  const returned = predict();
  expect(returned).toBe(result);
  expect(typeof (returned as { then?: unknown }).then).toBe('undefined');
});

test('a result whose properties cannot be read is returned as it is, and its span ends', () => {
  const result = new Proxy(
    {},
    {
      get: () => {
        throw new Error('no property of this result can be read');
      },
    },
  );
  const predict = traced(() => result, { model: uniqueModel(), tracer: tracing.tracer });
  expect(predict()).toBe(result);
  expect(predict.withPrediction().result).toBe(result);
  expect(tracing.spans()).toHaveLength(2);
});

test('a promise-returning function returns a promise of the same result', async () => {
  const result = { label: 'b', score: 0.5 };
  const predict = traced(async () => result, { model: uniqueModel(), tracer: tracing.tracer });
  const returned = predict();
  expect(returned).toBeInstanceOf(Promise);
  expect(await returned).toBe(result);
  expect(tracing.spans()[0]!.attributes['ml.prediction.confidence']).toBe(0.5);
});

test('this is kept for methods', () => {
  const model = {
    bias: 0.25,
    predict(x: number) {
      return { confidence: this.bias + x };
    },
  };
  model.predict = traced(model.predict, { model: uniqueModel(), tracer: tracing.tracer });
  expect(model.predict(0.5)).toEqual({ confidence: 0.75 });
});

test('arguments reach the function unchanged and the wrapper keeps its name and length', () => {
  function classify(a: number, b: string, c: object) {
    return { label: `${a}${b}${JSON.stringify(c)}` };
  }
  const predict = traced(classify, { model: uniqueModel(), tracer: tracing.tracer });
  expect(predict(1, 'x', { k: 2 })).toEqual({ label: '1x{"k":2}' });
  expect(predict.name).toBe('classify');
  expect(predict.length).toBe(3);
});

test('the prediction span is a child of the active span', () => {
  const predict = traced(() => 1, { model: uniqueModel(), tracer: tracing.tracer });
  tracing.tracer.startActiveSpan('POST /predict', (parent) => {
    predict();
    parent.end();
  });
  const parent = tracing.spanNamed('POST /predict');
  const child = tracing.spans().find((span) => span.name.startsWith('predict '))!;
  expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
});

test('the global tracer is used when none is given', () => {
  trace.setGlobalTracerProvider(tracing.provider);
  try {
    traced(() => 1, { model: uniqueModel() })();
    expect(tracing.spans()).toHaveLength(1);
  } finally {
    trace.disable();
  }
});
