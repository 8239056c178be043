import type { ModelIdentity } from '@modelsight/core';
import type { IrisClassifier } from '../model/iris-classifier';
import { sendJson } from './router';
import type { Route } from './router';

/** `GET /health`: the model being served and how well it did on its held-out rows. */
export function healthRoute(classifier: IrisClassifier, model: ModelIdentity): Route {
  const startedAt = Date.now();
  return {
    method: 'GET',
    path: '/health',
    handle(_request, response) {
      sendJson(response, 200, {
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
