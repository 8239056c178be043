import type { ModelIdentity } from '@modelsight/core';
import type { ServiceConfig } from '../config';
import { logger } from '../logger';
import { OutOfDomainError } from '../model/iris-classifier';
import type { Predictor } from '../predictor';
import { parsePredictRequest } from './parse-predict-request';
import { postRoute } from './post-route';
import { activeTraceId, reject } from './reject';
import { sendJson } from './router';
import type { Route } from './router';

const ROUTE = '/predict';

/** `POST /predict`: one row (`features`) or a batch (`instances`), answered with the prediction and its IDs. */
export function predictRoute(predictor: Predictor, model: ModelIdentity, config: ServiceConfig): Route {
  return postRoute(ROUTE, config.maxBodyBytes, (text, response) => {
    const parsed = parsePredictRequest(text, config.maxBatchSize);
    if ('reason' in parsed) {
      reject(response, ROUTE, parsed);
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
  });
}
