import { expect, test } from 'vitest';
import { decimalValue, infinityOf, isDecimal } from '../src/table/cell-text';

test.each([
  ['42', 42],
  ['-3.5', -3.5],
  ['+7', 7],
  ['.5', 0.5],
  ['5.', 5],
  ['1e5', 1e5],
  ['0e5', 0],
  ['1.5E-3', 1.5e-3],
  ['007', 7],
  [' 12 ', 12],
  ['0.25', 0.25],
])('the cell %j is the number %d', (text, value) => {
  expect(decimalValue(text)).toBe(value);
  expect(isDecimal(text)).toBe(true);
});

test.each(['', ' ', '0x1F', '0x10', '0b101', '0o17', 'Infinity', '1_000', '12 cm', '1,5', '--1', '.', 'e5', 'NaN'])(
  'the cell %j is not a decimal number',
  (text) => {
    expect(decimalValue(text)).toBeNaN();
    expect(isDecimal(text)).toBe(false);
  },
);

test('numpy and JavaScript spellings of infinity are infinities', () => {
  expect(['inf', '-inf', 'Infinity', '-Infinity', '+INF'].map(infinityOf)).toEqual([
    Infinity,
    -Infinity,
    Infinity,
    -Infinity,
    Infinity,
  ]);
  expect(infinityOf('info')).toBeUndefined();
});
