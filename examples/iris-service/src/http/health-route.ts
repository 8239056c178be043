import type { ModelIdentity } from '@modelsight/core';
import type { IrisClassifier } from '../model/iris-classifier';
import type { Route } from './route';

/** `GET /health`: the model being served and how well it did on its held-out rows. */
export function healthRoute(classifier: IrisClassifier, model: ModelIdentity): Route {
  const startedAt = Date.now();
  return {
    method: 'GET',
    url: '/health',
    handler: function health(_request, reply) {
      return reply.send({
        status: 'ok',
        model,
        classes: classifier.classes,
        trainRows: classifier.trainRows,
        testRows: classifier.testRows,
        testAccuracy: classifier.testAccuracy,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      });
    },
  };
}
