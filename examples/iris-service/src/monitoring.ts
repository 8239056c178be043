import { FeedbackTracker, type ModelIdentity, type PredictionObserver } from '@modelsight/core';
import { buildProfile, DriftMonitor, type DriftProfile } from '@modelsight/drift';
import { feedbackStoreFromEnv, type RedisFeedbackStore } from '@modelsight/feedback-redis';
import { predictionLogger } from '@modelsight/pino';
import type { ServiceConfig } from './config';
import { feedbackRoute } from './http/feedback-route';
import { outcomeRoute } from './http/outcome-route';
import type { Route } from './http/route';
import { logger } from './logger';
import type { IrisClassifier } from './model/iris-classifier';

/** The business outcomes a client can report for a prediction (`POST /outcome`). */
export const OUTCOME_NAMES = ['conversion', 'purchase'];

/** Everything that watches predictions: handed to `traced()` as its observers. */
export interface Monitoring {
  readonly observers: PredictionObserver[];
  /** HTTP routes the monitoring adds (`POST /feedback`, `POST /outcome`). */
  readonly routes: Route[];
  readonly drift: DriftMonitor;
  /** Its predictions wait in this process, or in Redis when `MODELSIGHT_FEEDBACK_STORE=redis`. */
  readonly feedback: FeedbackTracker<RedisFeedbackStore | undefined>;
}

/**
 * The reference for drift: the training rows and the model's own outputs on them, so that both
 * input drift and prediction drift (`prediction.label`, `prediction.confidence`) are watched.
 * A service that loads a trained model would load this profile saved beside it instead.
 */
export function referenceProfile(classifier: IrisClassifier): DriftProfile {
  return buildProfile(
    classifier.trainingFeatures.map((row) => {
      const output = classifier.predict(row);
      return { ...row, 'prediction.label': output.label, 'prediction.confidence': output.confidence };
    }),
  );
}

/**
 * The one place where prediction observers are created. It runs at start, after the preload has
 * registered the SDK, so the drift monitor and the feedback tracker get the real meter.
 */
export function createMonitoring(model: ModelIdentity, classifier: IrisClassifier, config: ServiceConfig): Monitoring {
  const drift = new DriftMonitor({ model, profile: referenceProfile(classifier) });
  // MODELSIGHT_FEEDBACK_STORE=redis (and MODELSIGHT_REDIS_URL) shares the predictions of every
  // replica in Redis, so feedback sent to any replica finds its prediction.
  const feedback = new FeedbackTracker({
    // Pinned to the model, unless a canary's predictions are to be judged too.
    model: config.canaryVersion === undefined ? model : undefined,
    labels: classifier.classes,
    task: 'classification',
    store: feedbackStoreFromEnv(),
    // Business outcomes of a prediction, sent to POST /outcome: counted per model version.
    outcomes: OUTCOME_NAMES,
  });
  const observers: PredictionObserver[] = [
    predictionLogger({ logger, sampleRate: config.predictionLogSampleRate }),
    drift,
    feedback,
  ];
  return { observers, routes: [feedbackRoute(feedback, config), outcomeRoute(feedback, config)], drift, feedback };
}
