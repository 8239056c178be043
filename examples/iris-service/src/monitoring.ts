import type { ModelIdentity, PredictionObserver } from '@modelsight/core';
import { predictionLogger } from '@modelsight/pino';
import type { ServiceConfig } from './config';
import { logger } from './logger';
import type { IrisClassifier } from './model/iris-classifier';
import type { Route } from './http/router';

/** Everything that watches predictions: handed to `traced()` as its observers. */
export interface Monitoring {
  readonly observers: PredictionObserver[];
  /** Extra HTTP routes the monitoring needs (e.g. `POST /feedback`). */
  readonly routes: Route[];
}

/**
 * The one place where prediction observers are created. A drift monitor (built from
 * `classifier.trainingFeatures`) or a feedback tracker is added here by pushing it onto `observers`,
 * and its HTTP endpoint, if any, onto `routes`.
 */
export function createMonitoring(model: ModelIdentity, classifier: IrisClassifier, config: ServiceConfig): Monitoring {
  const observers: PredictionObserver[] = [
    predictionLogger({ logger, sampleRate: config.predictionLogSampleRate }),
  ];
  const routes: Route[] = [];
  // The model and its training rows are all a drift monitor needs, e.g. a profile built from
  // `classifier.trainingFeatures` and a monitor for `model` pushed onto `observers`.
  void model;
  void classifier;
  return { observers, routes };
}
