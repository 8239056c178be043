import { seededRandom } from './seeded-random';
import type { LabelledRows } from './iris-data';

export interface TrainingOptions {
  readonly epochs: number;
  readonly learningRate: number;
  /** L2 penalty on the weights (not the biases). */
  readonly l2: number;
  readonly seed: number;
}

/** A fitted multinomial logistic regression on standardized features. */
export interface SoftmaxModel {
  readonly classes: readonly string[];
  readonly featureCount: number;
  /** Class probabilities of one row of raw (unstandardized) features. */
  probabilities(row: readonly number[]): number[];
  /** Share of rows whose most probable class is the target. */
  accuracy(data: LabelledRows): number;
  /** Mean cross-entropy of the rows, as minimized by training. */
  loss(data: LabelledRows): number;
}

/**
 * Fits softmax regression by full-batch gradient descent on the cross-entropy:
 * p = softmax(W·z + b) with z the standardized row, ∂L/∂W = (p − y)·zᵀ / n + l2·W.
 * Means and standard deviations come from the training rows only.
 */
export function trainSoftmaxRegression(
  data: LabelledRows,
  classes: readonly string[],
  options: TrainingOptions,
): SoftmaxModel {
  const n = data.rows.length;
  const d = data.rows[0]?.length ?? 0;
  const k = classes.length;
  if (n === 0 || d === 0) throw new Error('trainSoftmaxRegression: no training rows');

  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (const row of data.rows) for (let j = 0; j < d; j++) mean[j]! += row[j]! / n;
  for (const row of data.rows) for (let j = 0; j < d; j++) std[j]! += (row[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]!) || 1;
  const standardize = (row: readonly number[]): number[] => row.map((value, j) => (value - mean[j]!) / std[j]!);
  const z = data.rows.map(standardize);

  const random = seededRandom(options.seed);
  const weights = Array.from({ length: k }, () => Array.from({ length: d }, () => (random() - 0.5) * 0.02));
  const bias = new Array<number>(k).fill(0);

  const forward = (features: readonly number[]): number[] => {
    const logits = weights.map((w, c) => bias[c]! + w.reduce((sum, wj, j) => sum + wj * features[j]!, 0));
    return softmax(logits);
  };

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const gradW = Array.from({ length: k }, () => new Array<number>(d).fill(0));
    const gradB = new Array<number>(k).fill(0);
    for (let i = 0; i < n; i++) {
      const p = forward(z[i]!);
      for (let c = 0; c < k; c++) {
        const error = p[c]! - (data.targets[i] === c ? 1 : 0);
        gradB[c]! += error / n;
        for (let j = 0; j < d; j++) gradW[c]![j]! += (error * z[i]![j]!) / n;
      }
    }
    for (let c = 0; c < k; c++) {
      bias[c]! -= options.learningRate * gradB[c]!;
      for (let j = 0; j < d; j++) {
        weights[c]![j]! -= options.learningRate * (gradW[c]![j]! + options.l2 * weights[c]![j]!);
      }
    }
  }

  const probabilities = (row: readonly number[]): number[] => forward(standardize(row));
  return {
    classes,
    featureCount: d,
    probabilities,
    accuracy(rows) {
      let correct = 0;
      rows.rows.forEach((row, i) => {
        if (argmax(probabilities(row)) === rows.targets[i]) correct++;
      });
      return rows.rows.length === 0 ? 0 : correct / rows.rows.length;
    },
    loss(rows) {
      let total = 0;
      rows.rows.forEach((row, i) => {
        total -= Math.log(Math.max(probabilities(row)[rows.targets[i]!]!, 1e-12));
      });
      return rows.rows.length === 0 ? 0 : total / rows.rows.length;
    },
  };
}

/** Numerically stable softmax: subtracting the largest logit keeps exp() from overflowing. */
export function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((logit) => Math.exp(logit - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((value) => value / sum);
}

export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
