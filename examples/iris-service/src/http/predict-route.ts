import type { ModelIdentity } from '@modelsight/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceConfig } from '../config';
import type { IrisFeatures } from '../model/iris-classifier';
import { FEATURE_NAMES } from '../model/iris-data';
import type { Predictor } from '../predictor';
import { activeTraceId } from './active-trace-id';
import { modelFailure } from './model-failure';
import { PREDICT_SHAPE_HELP, predictBodySchema } from './predict-schema';
import type { Route } from './route';

type Row = IrisFeatures | readonly number[];
/** A body that passed {@link predictBodySchema}. */
type PredictBody = { readonly features: Row } | { readonly instances: readonly Row[] };

/**
 * `POST /predict`: one row (`features`) or a batch (`instances`), answered with the prediction and its
 * IDs. The body is checked by its JSON Schema before the handler runs; an input the model refuses is
 * a failed prediction (span status ERROR), answered 422.
 */
export function predictRoute(predictor: Predictor, model: ModelIdentity, config: ServiceConfig): Route {
  return {
    method: 'POST',
    url: '/predict',
    bodyLimit: config.maxBodyBytes,
    schema: { body: predictBodySchema(config.maxBatchSize) },
    config: { shapeHelp: PREDICT_SHAPE_HELP },
    // A named function: the Fastify instrumentation names the handler span after it.
    handler: function predict(request: FastifyRequest, reply: FastifyReply) {
      const body = request.body as PredictBody;
      try {
        if ('features' in body) {
          const { result, prediction } = predictor.predictOne.withPrediction(named(body.features));
          return reply.send({
            // The version that answered: a canary's, for the calls routed to it.
            model: prediction.model,
            prediction: result.label,
            confidence: result.confidence,
            probabilities: result.probabilities,
            predictionId: prediction.predictionId,
            traceId: activeTraceId(),
          });
        }
        const { result, prediction } = predictor.predictMany.withPrediction(body.instances.map(named));
        return reply.send({
          model,
          predictionId: prediction.predictionId,
          traceId: activeTraceId(),
          predictions: result.map((item, i) => ({
            prediction: item.label,
            confidence: item.confidence,
            probabilities: item.probabilities,
            predictionId: prediction.itemIds[i],
          })),
        });
      } catch (error) {
        const failure = modelFailure(error);
        if (failure === undefined) throw error;
        request.log.warn({ err: error, status: 422 }, `prediction failed: ${failure.description}`);
        return reply
          .code(422)
          .send({ error: failure.code, message: (error as Error).message, traceId: activeTraceId() });
      }
    },
  };
}

/** A row given as four numbers, by feature name. */
function named(row: Row): IrisFeatures {
  if (!Array.isArray(row)) return row as IrisFeatures;
  return Object.fromEntries(FEATURE_NAMES.map((name, j) => [name, row[j]])) as IrisFeatures;
}
