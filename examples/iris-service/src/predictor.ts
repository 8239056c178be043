import { modelVersions, traced } from '@modelsight/core';
import type { ModelIdentity, PredictionObserver } from '@modelsight/core';
import type { ServiceConfig } from './config';
import { faultyCanary } from './model/faulty-canary';
import type { IrisClassifier, IrisFeatures } from './model/iris-classifier';
import type { Monitoring } from './monitoring';

/**
 * The classifier's two entry points, each wrapped once at start: one span per call. With `CANARY_VERSION`,
 * single predictions are shared with a deliberately worse canary under `modelVersions()`, whose guard rolls
 * it back; feedback then also judges the canary's accuracy.
 */
export function createPredictor(
  classifier: IrisClassifier,
  model: ModelIdentity,
  observers: PredictionObserver[],
  config?: ServiceConfig,
  feedback?: Monitoring['feedback'],
) {
  const predict = (row: IrisFeatures) => classifier.predict(row);
  const features = (row: IrisFeatures) => row;
  const predictOne =
    config?.canaryVersion === undefined
      ? traced(predict, { model, features, observers })
      : modelVersions({
          name: model.name,
          primary: { version: model.version, predict },
          canaries: [
            {
              version: config.canaryVersion,
              predict: faultyCanary(classifier, config.canaryErrorRate, config.seed),
              share: config.canaryShare,
            },
          ],
          features,
          observers: observers.filter((observer) => observer !== feedback),
          feedback,
          guard: { minCalls: config.canaryMinCalls },
        });
  const predictMany = traced((rows: readonly IrisFeatures[]) => classifier.predictBatch(rows), {
    model,
    batch: true,
    features: (rows: readonly IrisFeatures[]) => rows,
    observers,
  });
  return { predictOne, predictMany };
}

export type Predictor = ReturnType<typeof createPredictor>;
