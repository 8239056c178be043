import { NonFiniteOutputError, type IrisClassifier, type IrisFeatures } from './iris-classifier';
import { seededRandom } from './seeded-random';

/**
 * A deliberately worse build of the classifier, to show a canary rolled back: the same model behind a
 * broken feature scaling that gives no finite output for `errorRate` of the inputs (drawn from a seeded
 * generator, so every run fails the same calls).
 */
export function faultyCanary(classifier: IrisClassifier, errorRate: number, seed: number) {
  const random = seededRandom(seed);
  return (row: IrisFeatures) => {
    if (random() < errorRate) {
      throw new NonFiniteOutputError('the canary build scaled this row to infinity (a deliberate fault)');
    }
    return classifier.predict(row);
  };
}
