import { describe, expect, it } from 'vitest';
import { NonFiniteOutputError, OutOfDomainError, trainIrisClassifier } from '../src/model/iris-classifier';
import { softmax } from '../src/model/softmax-regression';

const options = { epochs: 300, learningRate: 0.5, l2: 1e-3, seed: 42 };
const classifier = trainIrisClassifier(options);

describe('trainIrisClassifier', () => {
  it('splits 150 rows into 120 for training and 30 held out', () => {
    expect([classifier.trainRows, classifier.testRows]).toEqual([120, 30]);
  });

  it('classifies at least 90% of the held-out rows correctly', () => {
    expect(classifier.testAccuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('gives the same model for the same seed', () => {
    const again = trainIrisClassifier(options);
    const row = { sepal_length: 6.1, sepal_width: 2.8, petal_length: 4.9, petal_width: 1.7 };
    expect(again.predict(row)).toEqual(classifier.predict(row));
    expect(again.trainLoss).toBe(classifier.trainLoss);
  });

  it('answers a label, its probability as confidence, and probabilities that sum to 1', () => {
    const answer = classifier.predict({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 });
    expect(answer.label).toBe('setosa');
    expect(answer.confidence).toBe(answer.probabilities['setosa']);
    expect(Object.values(answer.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('hesitates on a flower half-way between versicolor and virginica', () => {
    const answer = classifier.predict({ sepal_length: 6.3, sepal_width: 2.8, petal_length: 5.0, petal_width: 1.65 });
    expect(answer.confidence).toBeLessThan(0.8);
  });

  it('throws OutOfDomainError for a negative length', () => {
    expect(() => classifier.predict({ sepal_length: 5, sepal_width: 3, petal_length: -1, petal_width: 0.2 })).toThrow(
      OutOfDomainError,
    );
  });

  it('throws NonFiniteOutputError for lengths so large that the probabilities would be NaN', () => {
    expect(() =>
      classifier.predict({ sepal_length: 1e308, sepal_width: 1e308, petal_length: 1e308, petal_width: 1e308 }),
    ).toThrow(NonFiniteOutputError);
  });

  it('still answers for large but not overflowing lengths', () => {
    expect(
      classifier.predict({ sepal_length: 1e6, sepal_width: 1e6, petal_length: 1e6, petal_width: 1e6 }).confidence,
    ).toBeGreaterThan(0.5);
  });
});

describe('softmax', () => {
  it('stays finite for large logits', () => {
    const p = softmax([1000, 1001, 999]);
    expect(p.every(Number.isFinite)).toBe(true);
    expect(p[1]).toBeCloseTo(Math.exp(1) / (1 + Math.exp(1) + Math.exp(-1)), 12);
  });
});
