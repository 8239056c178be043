// biome-ignore-all lint/suspicious/noControlCharactersInRegex: the codec separates fields with control characters
// biome-ignore-all lint/suspicious/noApproximativeNumericConstant: numbers of a model's output, not the constants
import { expect, test } from 'vitest';
import { decodePrediction, encodeModel, encodePrediction, escapeField } from '../src/prediction-codec';

const iris = encodeModel({ name: 'iris-classifier', version: '1.0.0' });

test('a classification prediction comes back as it was stored, its confidence to two decimals', () => {
  const stored = encodePrediction(iris.code, 'classification', 'virginica', NaN, 0.7849, 1767225600123);
  expect(stored.length).toBeLessThanOrEqual(44);
  expect(decodePrediction(stored, iris.entry)).toEqual({
    answered: false,
    prediction: {
      model: { name: 'iris-classifier', version: '1.0.0' },
      task: 'classification',
      label: 'virginica',
      value: undefined,
      confidence: 0.78,
      time: 1767225600123,
    },
  });
});

test('a regression prediction keeps its value at full precision, and an upper-case state means answered', () => {
  const stored = encodePrediction(iris.code, 'regression', undefined, 3.141592653589793, NaN, 1767225600000);
  const answered = `R${stored.slice(1)}`;
  expect(decodePrediction(answered, iris.entry)).toMatchObject({
    answered: true,
    prediction: { task: 'regression', value: 3.141592653589793, confidence: undefined },
  });
});

test('labels and model names holding the separator or a percent sign survive the round trip', () => {
  const model = encodeModel({ name: 'a\u001fb%1F', version: '100%' });
  const stored = encodePrediction(model.code, 'classification', 'x\u001f%25y', NaN, 0.5, 1);
  expect(escapeField('plain')).toBe('plain');
  expect(decodePrediction(stored, model.entry)?.prediction).toMatchObject({
    model: { name: 'a\u001fb%1F', version: '100%' },
    label: 'x\u001f%25y',
  });
});

test('two model versions get different codes, the same version always the same', () => {
  expect(encodeModel({ name: 'iris-classifier', version: '1.0.1' }).code).not.toBe(iris.code);
  expect(encodeModel({ name: 'iris-classifier', version: '1.0.0' })).toEqual(iris);
  expect(iris.code).toMatch(/^[0-9a-f]{8}$/);
});

test('values that are not predictions of this store decode to undefined, never throw', () => {
  const good = encodePrediction(iris.code, 'classification', 'setosa', NaN, 0.9, 1000);
  const bad: Array<[unknown, unknown]> = [
    [undefined, iris.entry],
    [42, iris.entry],
    ['', iris.entry],
    ['not a prediction at all', iris.entry],
    [`x${good.slice(1)}`, iris.entry],
    [good.replace(/\u001f[^\u001f]*$/, '\u001f-zz'), iris.entry],
    [good.replace('setosa', ''), iris.entry],
    [encodePrediction(iris.code, 'regression', undefined, NaN, 0.5, 1000), iris.entry],
    [good, ''],
    [good, 'no separator'],
    [good, '\u001f1.0.0'],
    [good.slice(0, 20), iris.entry],
  ];
  for (const [stored, entry] of bad) expect(decodePrediction(stored, entry), JSON.stringify(stored)).toBeUndefined();
});
