import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { ModelIdentity } from '@modelsight/core';
import type { ServiceConfig } from '../config';
import { logger } from '../logger';
import { OutOfDomainError } from '../model/iris-classifier';
import type { Predictor } from '../predictor';
import { countRejection } from '../rejections';
import type { Rejection } from '../rejections';
import { parsePredictRequest } from './parse-predict-request';
import { readBody } from './read-body';
import { sendJson } from './router';
import type { Route } from './router';

const ROUTE = '/predict';

/**
 * Trace ID of the request's span, for answers that have no prediction to take it from; the HTTP span is
 * the prediction span's parent, so a client can quote it either way. `undefined` when nothing is traced.
 */
function activeTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext !== undefined && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** `POST /predict`: one row (`features`) or a batch (`instances`), answered with the prediction and its IDs. */
export function predictRoute(predictor: Predictor, model: ModelIdentity, config: ServiceConfig): Route {
  const reject = (response: Parameters<Route['handle']>[1], rejection: Rejection): void => {
    countRejection(rejection.reason, ROUTE);
    logger.warn({ reason: rejection.reason, status: 400 }, `rejected: ${rejection.message}`);
    sendJson(response, 400, { error: rejection.reason, message: rejection.message, traceId: activeTraceId() });
  };

  return {
    method: 'POST',
    path: ROUTE,
    async handle(request, response) {
      const body = await readBody(request, config.maxBodyBytes);
      if (!body.ok) {
        // The rest of the body is not read: close the connection once answered instead of draining it.
        response.shouldKeepAlive = false;
        reject(response, {
          reason: 'body_too_large',
          message: `body ${body.declared ? 'declares' : 'has more than'} ${body.bytes} bytes, more than the limit of ${config.maxBodyBytes}`,
        });
        return;
      }
      const parsed = parsePredictRequest(body.text, config.maxBatchSize);
      if ('reason' in parsed) {
        reject(response, parsed);
        return;
      }
      try {
        if (parsed.kind === 'single') {
          const { result, prediction } = predictor.predictOne.withPrediction(parsed.row);
          sendJson(response, 200, {
            model,
            prediction: result.label,
            confidence: result.confidence,
            probabilities: result.probabilities,
            predictionId: prediction.predictionId,
            traceId: prediction.traceId,
          });
        } else {
          const { result, prediction } = predictor.predictMany.withPrediction(parsed.rows);
          sendJson(response, 200, {
            model,
            predictionId: prediction.predictionId,
            traceId: prediction.traceId,
            predictions: result.map((item, i) => ({
              prediction: item.label,
              confidence: item.confidence,
              probabilities: item.probabilities,
              predictionId: prediction.itemIds[i],
            })),
          });
        }
      } catch (error) {
        if (error instanceof OutOfDomainError) {
          logger.warn({ err: error, status: 422 }, 'prediction failed: input outside the model domain');
          sendJson(response, 422, { error: 'out_of_domain', message: error.message, traceId: activeTraceId() });
          return;
        }
        throw error;
      }
    },
  };
}
