import { traced } from '@modelsight/core';
import type { ModelIdentity, PredictionObserver } from '@modelsight/core';
import type { IrisClassifier, IrisFeatures } from './model/iris-classifier';

/** The classifier's two entry points, each wrapped once at start: one span per call. */
export function createPredictor(classifier: IrisClassifier, model: ModelIdentity, observers: PredictionObserver[]) {
  const predictOne = traced((row: IrisFeatures) => classifier.predict(row), {
    model,
    features: (row: IrisFeatures) => row,
    observers,
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
