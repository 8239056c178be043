import type { FastifySchemaValidationError } from 'fastify';
import { FEATURE_NAMES } from '../model/iris-data';
import type { Rejection } from '../rejections';
import { previewValue } from './value-preview';

/**
 * Turns the first error Ajv found in a body (Fastify stops at the first) into a rejection that says
 * precisely what is wrong and where, e.g. `instances[1][1] (sepal_width) must be a number`. The body is
 * read only along the error's path, and the client's value is only previewed (see `previewValue`).
 */
export function validationRejection(
  errors: readonly FastifySchemaValidationError[],
  body: unknown,
  shapeHelp: string | undefined,
): Rejection {
  const help = shapeHelp === undefined ? '' : `; ${shapeHelp}`;
  const error = errors[0];
  if (error === undefined) return { reason: 'invalid_shape', message: `body does not have the expected shape${help}` };
  const path = error.instancePath.split('/').slice(1);
  const value = valueAt(body, path);
  const params = error.params as Record<string, unknown>;

  if (path.length === 0) {
    if (error.keyword === 'type') return { reason: 'invalid_shape', message: `body must be a JSON object${help}` };
    if (error.keyword === 'required')
      return { reason: 'invalid_shape', message: `body has neither "features" nor "instances"${help}` };
    return { reason: 'invalid_shape', message: `body ${error.message ?? 'has the wrong shape'}${help}` };
  }

  // `features`, `instances`, `instances[i]` or a feature of a row.
  const rowDepth = path[0] === 'instances' ? 2 : 1;
  if (path[0] === 'instances' && path.length === 1) {
    if (error.keyword === 'maxItems' && Array.isArray(value)) {
      return {
        reason: 'batch_too_large',
        message: `"instances" has ${value.length} rows, more than the limit of ${String(params['limit'])}`,
      };
    }
    return { reason: 'invalid_shape', message: `"instances" must be a non-empty array${help}` };
  }
  const row = describePath(path.slice(0, rowDepth));
  if (path.length === rowDepth) {
    switch (error.keyword) {
      case 'required':
        return { reason: 'missing_feature', message: `${row}.${String(params['missingProperty'])} is missing` };
      case 'additionalProperties':
        return {
          reason: 'unknown_feature',
          message: `${row} has a name that is not a feature (expected ${FEATURE_NAMES.join(', ')})`,
          preview: previewValue(params['additionalProperty']),
        };
      case 'minItems':
      case 'maxItems':
        return {
          reason: 'invalid_shape',
          message: `${row} has ${Array.isArray(value) ? value.length : 'another number of'} values, expected ${FEATURE_NAMES.length} (${FEATURE_NAMES.join(', ')})`,
        };
      default:
        return {
          reason: 'invalid_shape',
          message: `${row} must be an object or an array of ${FEATURE_NAMES.length} numbers`,
          preview: previewValue(value),
        };
    }
  }
  const feature = path[rowDepth]!;
  const where = /^\d+$/.test(feature) ? `${row}[${feature}] (${FEATURE_NAMES[Number(feature)]})` : `${row}.${feature}`;
  if (value === null) return { reason: 'missing_feature', message: `${where} is missing` };
  const finite = typeof value === 'number' ? 'finite ' : '';
  return { reason: 'non_numeric_feature', message: `${where} must be a ${finite}number`, preview: previewValue(value) };
}

/** `["instances", "1"]` → `instances[1]`. The segments come from the schema's own names and indices. */
function describePath(path: readonly string[]): string {
  return path
    .map((segment, i) => (/^\d+$/.test(segment) ? `[${segment}]` : i === 0 ? segment : `.${segment}`))
    .join('');
}

function valueAt(body: unknown, path: readonly string[]): unknown {
  let value = body;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}
