import { expect, test } from 'vitest';
import { OnnxRuntimeInstrumentation, TfjsInstrumentation, TransformersInstrumentation } from '../src/index';

test('a bad option is a setup error naming the instrumentation, the option and the value', () => {
  expect(() => new OnnxRuntimeInstrumentation({ modelVersion: 1.4 as never, enabled: false })).toThrow(
    '@modelsight/instrumentation-onnxruntime: option modelVersion must be a non-empty string or a function of the model; got 1.4',
  );
  expect(() => new TfjsInstrumentation({ classes: 'setosa,versicolor' as never, enabled: false })).toThrow(
    /@modelsight\/instrumentation-tfjs: option classes must be a non-empty array .*; got "setosa,versicolor"$/,
  );
  expect(() => new TransformersInstrumentation({ task: 'classify' as never, enabled: false })).toThrow(
    "@modelsight/instrumentation-transformers: option task must be 'classification' or 'regression'; got \"classify\"",
  );
  expect(() => new OnnxRuntimeInstrumentation({ modelName: '', enabled: false })).toThrow(
    /option modelName must be a non-empty string/,
  );
  expect(() => new OnnxRuntimeInstrumentation({ observers: [{}] as never, enabled: false })).toThrow(
    /option observers must be an array of objects with an onPrediction/,
  );
  expect(() => new OnnxRuntimeInstrumentation({ label: 'label' as never, enabled: false })).toThrow(
    /option label must be a function; got "label"/,
  );
});

test('valid options, values or functions of the model, are accepted', () => {
  const instrumentation = new OnnxRuntimeInstrumentation({
    enabled: false,
    modelName: (model) => model.name.toUpperCase(),
    modelVersion: '1.4.0',
    classes: ['setosa', 'versicolor', 'virginica'],
    task: 'classification',
    observers: [{ onPrediction() {} }],
    label: () => 'x',
  });
  expect(instrumentation.getConfig().modelVersion).toBe('1.4.0');
});

test('setConfig with a bad option throws and keeps the options in effect', () => {
  const instrumentation = new OnnxRuntimeInstrumentation({ enabled: false, modelVersion: '2.0.0' });
  expect(() => instrumentation.setConfig({ classes: [] })).toThrow(/option classes must be .*; got \[\]$/);
  expect(instrumentation.getConfig().modelVersion).toBe('2.0.0');
});
