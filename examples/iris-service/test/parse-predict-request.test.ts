import { describe, expect, it } from 'vitest';
import { parsePredictRequest } from '../src/http/parse-predict-request';

const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
const parse = (body: unknown, maxBatch = 10) => parsePredictRequest(typeof body === 'string' ? body : JSON.stringify(body), maxBatch);

describe('parsePredictRequest', () => {
  it('reads one row given by name', () => {
    expect(parse({ features: row })).toEqual({ kind: 'single', row });
  });

  it('reads one row given as four numbers in feature order', () => {
    expect(parse({ features: [5.1, 3.5, 1.4, 0.2] })).toEqual({ kind: 'single', row });
  });

  it('reads a batch of rows in either form', () => {
    expect(parse({ instances: [row, [5.1, 3.5, 1.4, 0.2]] })).toEqual({ kind: 'batch', rows: [row, row] });
  });

  it('rejects a body that is not JSON as invalid_json', () => {
    expect(parse('{"features": ')).toMatchObject({ reason: 'invalid_json' });
  });

  it('rejects a missing feature and names it', () => {
    const { petal_width: _, ...partial } = row;
    expect(parse({ features: partial })).toEqual({ reason: 'missing_feature', message: 'features.petal_width is missing' });
  });

  it('rejects a null feature as missing', () => {
    expect(parse({ features: { ...row, sepal_width: null } })).toMatchObject({ reason: 'missing_feature' });
  });

  it('rejects a numeric string as non_numeric_feature and says where', () => {
    expect(parse({ instances: [row, [5.1, '3.5', 1.4, 0.2]] })).toEqual({
      reason: 'non_numeric_feature',
      message: 'instances[1][1] (sepal_width) must be a number, got "3.5"',
    });
  });

  it('rejects a name that is not a feature as unknown_feature', () => {
    expect(parse({ features: { ...row, colour: 1 } })).toMatchObject({ reason: 'unknown_feature' });
  });

  it('rejects a body with neither features nor instances as invalid_shape', () => {
    expect(parse({ rows: [row] })).toMatchObject({ reason: 'invalid_shape' });
    expect(parse([row])).toMatchObject({ reason: 'invalid_shape' });
  });

  it('rejects a row with the wrong number of values as invalid_shape', () => {
    expect(parse({ features: [1, 2, 3] })).toMatchObject({ reason: 'invalid_shape' });
  });

  it('rejects an empty batch as invalid_shape', () => {
    expect(parse({ instances: [] })).toMatchObject({ reason: 'invalid_shape' });
  });

  it('rejects a batch over the limit as batch_too_large', () => {
    expect(parse({ instances: Array.from({ length: 11 }, () => row) })).toMatchObject({ reason: 'batch_too_large' });
  });
});
