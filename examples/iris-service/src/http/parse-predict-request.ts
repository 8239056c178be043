import { FEATURE_NAMES } from '../model/iris-data';
import type { IrisFeatures } from '../model/iris-classifier';
import type { Rejection } from '../rejections';

export type PredictRequest =
  | { readonly kind: 'single'; readonly row: IrisFeatures }
  | { readonly kind: 'batch'; readonly rows: IrisFeatures[] };

const SHAPE_HELP =
  `expected {"features": {${FEATURE_NAMES.map((name) => `"${name}": <number>`).join(', ')}}} ` +
  `or {"features": [4 numbers]}, or {"instances": [<features>, ...]} for a batch`;

/** Turns a request body into one row or a batch of rows, or says precisely why it cannot. */
export function parsePredictRequest(text: string, maxBatchSize: number): PredictRequest | Rejection {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { reason: 'invalid_json', message: `body is not valid JSON: ${(error as Error).message}` };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { reason: 'invalid_shape', message: `body must be a JSON object; ${SHAPE_HELP}` };
  }
  const record = body as Record<string, unknown>;
  if ('features' in record) {
    const row = parseRow(record['features'], 'features');
    return 'reason' in row ? row : { kind: 'single', row };
  }
  if ('instances' in record) {
    const instances = record['instances'];
    if (!Array.isArray(instances) || instances.length === 0) {
      return { reason: 'invalid_shape', message: `"instances" must be a non-empty array; ${SHAPE_HELP}` };
    }
    if (instances.length > maxBatchSize) {
      return {
        reason: 'batch_too_large',
        message: `"instances" has ${instances.length} rows, more than the limit of ${maxBatchSize}`,
      };
    }
    const rows: IrisFeatures[] = [];
    for (let i = 0; i < instances.length; i++) {
      const row = parseRow(instances[i], `instances[${i}]`);
      if ('reason' in row) return row;
      rows.push(row);
    }
    return { kind: 'batch', rows };
  }
  return { reason: 'invalid_shape', message: `body has neither "features" nor "instances"; ${SHAPE_HELP}` };
}

function parseRow(value: unknown, path: string): IrisFeatures | Rejection {
  if (Array.isArray(value)) {
    if (value.length !== FEATURE_NAMES.length) {
      return {
        reason: 'invalid_shape',
        message: `${path} has ${value.length} values, expected ${FEATURE_NAMES.length} (${FEATURE_NAMES.join(', ')})`,
      };
    }
    const named: Record<string, unknown> = {};
    FEATURE_NAMES.forEach((name, j) => {
      named[name] = value[j];
    });
    return parseNamedRow(named, path, true);
  }
  if (value === null || typeof value !== 'object') {
    return { reason: 'invalid_shape', message: `${path} must be an object or an array of ${FEATURE_NAMES.length} numbers` };
  }
  return parseNamedRow(value as Record<string, unknown>, path, false);
}

function parseNamedRow(values: Record<string, unknown>, path: string, positional: boolean): IrisFeatures | Rejection {
  for (const name of Object.keys(values)) {
    if (!(FEATURE_NAMES as readonly string[]).includes(name)) {
      return { reason: 'unknown_feature', message: `${path}.${name} is not a feature; expected ${FEATURE_NAMES.join(', ')}` };
    }
  }
  const row: Record<string, number> = {};
  for (let j = 0; j < FEATURE_NAMES.length; j++) {
    const name = FEATURE_NAMES[j]!;
    const where = positional ? `${path}[${j}] (${name})` : `${path}.${name}`;
    const value = values[name];
    if (value === undefined || value === null) {
      return { reason: 'missing_feature', message: `${where} is missing` };
    }
    if (typeof value !== 'number') {
      return { reason: 'non_numeric_feature', message: `${where} must be a number, got ${JSON.stringify(value)}` };
    }
    row[name] = value;
  }
  return row as IrisFeatures;
}
