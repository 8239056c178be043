import { expect, test } from 'vitest';
import { traced } from '../src/index';
import { captureDiag, memoryTracing } from '@modelsight/test-support';

const fn = () => 1;
const model = { name: 'm', version: '1' };

test.each([
  [{}, /option model must be an object \{ name, version \}; got undefined/],
  [{ model: { version: '1' } }, /option model.name must be a non-empty string; got undefined/],
  [{ model: { name: '', version: '1' } }, /option model.name must be a non-empty string; got ""/],
  [{ model: { name: 'm', version: 2 } }, /option model.version must be a non-empty string; got 2/],
  [{ model, batch: 'yes' }, /option batch must be a boolean; got "yes"/],
  [{ model, confidence: 0.5 }, /option confidence must be a function; got 0.5/],
  [{ model, maxFeatureLength: 0 }, /option maxFeatureLength must be a positive integer; got 0/],
  [{ model, redactFeatures: 'email' }, /option redactFeatures must be an array of feature names; got "email"/],
  [{ model, observers: [{}] }, /option observers\[0\] must be an object with an onPrediction\(record\) method/],
  [{ model, operation: ' ' }, /option operation must be a non-empty string/],
])('wrapping with %j throws a TypeError naming the option and the value', (options, message) => {
  expect(() => traced(fn, options as never)).toThrow(TypeError);
  expect(() => traced(fn, options as never)).toThrow(message);
});

test('wrapping something that is not a function throws', () => {
  expect(() => traced('predict' as never, { model })).toThrow(
    /fn \(the first argument\) must be the function to wrap; got "predict"/,
  );
});

test('a malformed MODELSIGHT_CAPTURE_FEATURES is warned about once, naming the variable, and capture stays off', () => {
  const diag = captureDiag();
  process.env.MODELSIGHT_CAPTURE_FEATURES = 'maybe';
  try {
    const { tracer, spanNamed } = memoryTracing();
    traced((row: { a: number }) => row.a, { model, tracer, task: 'regression', features: (row) => row })({ a: 1 });
    traced(fn, { model, tracer, task: 'regression' })();
    expect(spanNamed('predict m').attributes['ml.feature.a']).toBeUndefined();
    expect(diag.warnings).toEqual([
      '@modelsight/core: MODELSIGHT_CAPTURE_FEATURES="maybe" is not valid (expected true or false); using false',
    ]);
  } finally {
    delete process.env.MODELSIGHT_CAPTURE_FEATURES;
  }
});

test('an empty array given as an option is shown in the message', () => {
  expect(() => traced(fn, { model, classes: [] })).toThrow(/option classes must be .*; got \[\]$/);
});
