import { expect, expectTypeOf, test } from 'vitest';
import { traced, type BatchItem, type TracedOptions, type TracedResult } from '../src/index';
import { memoryTracing } from '@modelsight/test-support';

// Checked by `npm run typecheck` (tsc over the tests): a wrong type below fails the build, and each
// `@ts-expect-error` fails it when the error it expects is gone.
const { tracer } = memoryTracing();
const model = { name: 'typed', version: '1' };

interface Scored {
  scores: Float32Array;
  names: string[];
}
const scoreRow = (row: number[]): Scored => ({ scores: Float32Array.from([row[0]!, 1 - row[0]!]), names: ['a', 'b'] });

test('extractors receive the result of the wrapped function', () => {
  const predict = traced(scoreRow, {
    model,
    tracer,
    confidence: (result) => {
      expectTypeOf(result).toEqualTypeOf<Scored>();
      return Math.max(...result.scores);
    },
    label: (result) => result.names[result.scores.indexOf(Math.max(...result.scores))],
  });
  expectTypeOf(predict).parameters.toEqualTypeOf<[number[]]>();
  expect(predict([0.25]).names).toEqual(['a', 'b']);
});

test('extractors of an async function receive the awaited result', async () => {
  const predict = traced(async (row: number[]) => scoreRow(row), {
    model,
    tracer,
    confidence: (result) => {
      expectTypeOf(result).toEqualTypeOf<Scored>();
      return result.scores[0];
    },
  });
  expectTypeOf(predict).returns.toEqualTypeOf<Promise<Scored>>();
  expect((await predict([0.5])).scores).toHaveLength(2);
});

test('in batch mode extractors receive one item of the result', () => {
  const predict = traced((rows: number[][]) => rows.map(scoreRow), {
    model,
    tracer,
    batch: true,
    label: (item) => {
      expectTypeOf(item).toEqualTypeOf<Scored>();
      return item.names[0];
    },
  });
  expect(predict([[0.1], [0.9]])).toHaveLength(2);
});

test('an item of a typed-array result is a number, of a bigint one a bigint', () => {
  expectTypeOf<BatchItem<Float32Array>>().toEqualTypeOf<number>();
  expectTypeOf<BatchItem<BigInt64Array>>().toEqualTypeOf<bigint>();
  expectTypeOf<BatchItem<readonly string[]>>().toEqualTypeOf<string>();
  expectTypeOf<TracedResult<() => Promise<Int32Array>>>().toEqualTypeOf<Int32Array>();
});

test('batch: true on a function whose first parameter is not an array is a type error', () => {
  const byRow = (row: { petalLength: number }) => ({ label: row.petalLength > 2 ? 'big' : 'small' });
  // @ts-expect-error the first parameter of byRow is not an array
  const options: TracedOptions<typeof byRow> = { model, batch: true };
  expect(options.batch).toBe(true);
  // @ts-expect-error batch mode needs an array as first parameter
  expect(() => traced(byRow, { model, tracer, batch: true })).not.toThrow();
});

test('batch: true is allowed when the first parameter may be an array, as ml.js predict(number[][] | Matrix)', () => {
  class Matrix {
    constructor(readonly rows: number[][]) {}
  }
  const predict = (input: number[][] | Matrix) =>
    (input instanceof Matrix ? input.rows : input).map((row) => row.length);
  const wrapped = traced(predict, { model, tracer, batch: true, label: (item) => item });
  expectTypeOf(wrapped).parameters.toEqualTypeOf<[number[][] | Matrix]>();
  expect(wrapped([[1, 2], [3]])).toEqual([2, 1]);
});

test('an extractor that reads a field the result does not have is a type error', () => {
  const predict = traced(scoreRow, {
    model,
    tracer,
    // @ts-expect-error Scored has no `probability`
    confidence: (result) => result.probability,
  });
  expect(predict([0.3]).scores[0]).toBeCloseTo(0.3, 6);
});

test('a label extractor may give a number or a boolean, which becomes a string', () => {
  const tracing = memoryTracing();
  const options: TracedOptions<typeof scoreRow> = {
    model,
    tracer: tracing.tracer,
    label: (result) => result.scores.length,
  };
  expectTypeOf(options.label).toEqualTypeOf<((result: Scored) => string | number | boolean | undefined) | undefined>();
  traced(scoreRow, options)([0.5]);
  expect(tracing.spans()[0]!.attributes['ml.prediction.label']).toBe('2');
});
