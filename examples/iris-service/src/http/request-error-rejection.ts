import type { FastifyError, FastifyRequest } from 'fastify';
import type { Rejection } from '../rejections';
import { validationRejection } from './validation-rejection';

/**
 * The rejection for an error Fastify raised before the handler ran: a body that is not JSON, too large,
 * not declared as JSON, or against the route's schema. `undefined` for anything else (the handler's own
 * errors, which are the service's to answer).
 */
export function requestErrorRejection(error: FastifyError, request: FastifyRequest): Rejection | undefined {
  if (error.validation !== undefined) {
    return validationRejection(error.validation, request.body, request.routeOptions.config.shapeHelp);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { reason: 'invalid_json', message: 'body is not valid JSON' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { reason: 'invalid_json', message: 'body is empty; send a JSON object' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const limit = request.routeOptions.bodyLimit;
      const declared = Number(request.headers['content-length']);
      return {
        reason: 'body_too_large',
        message:
          Number.isFinite(declared) && declared > limit
            ? `body declares ${declared} bytes, more than the limit of ${limit}`
            : `body has more than the limit of ${limit} bytes`,
      };
    }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        reason: 'unsupported_media_type',
        message: 'send the body as JSON, with content-type: application/json',
      };
  }
  // Any other refusal of the framework (a body shorter than its content-length, an aborted upload).
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return { reason: 'bad_request', message: `the request cannot be read (${error.code ?? error.name})` };
  }
  return undefined;
}
