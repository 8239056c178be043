import { FEATURE_NAMES, splitIris } from './iris-data';
import type { FeatureName } from './iris-data';
import { argmax, trainSoftmaxRegression } from './softmax-regression';
import type { TrainingOptions } from './softmax-regression';

/** One flower, in centimetres. */
export type IrisFeatures = Readonly<Record<FeatureName, number>>;

export interface IrisPrediction {
  readonly label: string;
  /** Probability of the predicted class. */
  readonly confidence: number;
  readonly probabilities: Readonly<Record<string, number>>;
}

/** Thrown by the model for a row outside its domain; the service answers 422. */
export class OutOfDomainError extends RangeError {
  override readonly name = 'OutOfDomainError';
}

/**
 * Thrown when the model's probabilities are not finite numbers: finite inputs so large (e.g. 1e308 cm)
 * that the logits overflow to ±Infinity. A NaN confidence is no answer; the service answers 422.
 */
export class NonFiniteOutputError extends RangeError {
  override readonly name = 'NonFiniteOutputError';
}

export interface IrisClassifier {
  predict(features: IrisFeatures): IrisPrediction;
  predictBatch(rows: readonly IrisFeatures[]): IrisPrediction[];
  readonly classes: readonly string[];
  readonly trainRows: number;
  readonly testRows: number;
  readonly testAccuracy: number;
  readonly trainLoss: number;
  readonly trainingMs: number;
  /** Training rows by feature name, e.g. to build a drift reference profile. */
  readonly trainingFeatures: readonly IrisFeatures[];
}

/** Trains the classifier on a seeded split of the iris data and measures it on the held-out rows. */
export function trainIrisClassifier(options: TrainingOptions): IrisClassifier {
  const started = performance.now();
  const split = splitIris(options.seed);
  const model = trainSoftmaxRegression(split.train, split.classes, options);
  const trainingMs = performance.now() - started;

  const predict = (features: IrisFeatures): IrisPrediction => {
    const row = FEATURE_NAMES.map((name) => features[name]);
    row.forEach((value, j) => {
      // Lengths are physical sizes: a negative or non-finite one is a broken caller, not a flower.
      if (!Number.isFinite(value) || value < 0) {
        throw new OutOfDomainError(`${FEATURE_NAMES[j]} must be a finite length >= 0 cm, got ${value}`);
      }
    });
    const p = model.probabilities(row);
    if (!p.every(Number.isFinite)) {
      throw new NonFiniteOutputError('the model gives no finite probabilities for this row: its lengths are too large');
    }
    const best = argmax(p);
    const probabilities: Record<string, number> = {};
    split.classes.forEach((name, c) => {
      probabilities[name] = p[c]!;
    });
    return { label: split.classes[best]!, confidence: p[best]!, probabilities };
  };

  return {
    predict,
    predictBatch: (rows) => rows.map(predict),
    classes: split.classes,
    trainRows: split.train.rows.length,
    testRows: split.test.rows.length,
    testAccuracy: model.accuracy(split.test),
    trainLoss: model.loss(split.train),
    trainingMs,
    trainingFeatures: split.train.rows.map((row) => toFeatures(row)),
  };
}

export function toFeatures(row: readonly number[]): IrisFeatures {
  return Object.fromEntries(FEATURE_NAMES.map((name, j) => [name, row[j]!])) as IrisFeatures;
}
