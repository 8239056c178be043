import type { NumericOutput } from './numeric-output';

/** What one prediction's numbers say: the predicted class index and, when they are probabilities, the confidence. */
export interface ClassReading {
  /** Index of the predicted class, or `undefined`. */
  index: number | undefined;
  /** Whether `index` is the argmax of per-class scores (then it is a class even without `classes`). */
  argmax: boolean;
  /** Largest probability, when the numbers are probabilities in [0, 1]. */
  confidence: number | undefined;
  /** How many numbers were read (the number of classes of a per-class vector). */
  size: number;
}

/** A class index: a non-negative safe integer, as a number or a bigint. */
export function classIndex(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'bigint')
    return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
  return undefined;
}

/**
 * Reads one prediction's numbers:
 * - one value: an integer is a class index (`[0]`, `BigInt64Array [1n]`); with two classes, a fraction in
 *   [0, 1] is the probability of the second class (a sigmoid head): label by 0.5, confidence max(p, 1 − p);
 *   anything else is a regression value;
 * - several values all in [0, 1]: per-class probabilities or scores: argmax and max;
 * - several values, some outside [0, 1] (logits): argmax only when `classes` names exactly as many classes.
 * Several rows (a tensor of shape `[k, n]`, `k > 1`) or several bigints are several predictions: nothing.
 */
export function readClassScores(output: NumericOutput, classCount: number | undefined): ClassReading | undefined {
  const { data, shape } = output;
  if (shape !== undefined && shape.length >= 2 && shape[0] !== 1) return undefined;
  const n = data.length;
  if (n === 0) return undefined;
  if (n === 1) {
    const value = data[0];
    const index = classIndex(value);
    if (index !== undefined) return { index, argmax: false, confidence: undefined, size: 1 };
    if (classCount === 2 && typeof value === 'number' && value >= 0 && value <= 1) {
      return { index: value >= 0.5 ? 1 : 0, argmax: false, confidence: value >= 0.5 ? value : 1 - value, size: 1 };
    }
    return undefined;
  }
  if (typeof data[0] !== 'number') return undefined;
  const values = data as ArrayLike<number>;
  let best = 0;
  let max = values[0]!;
  let unit = true;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    // NaN fails both comparisons, so it is never "in [0, 1]".
    if (!(v >= 0 && v <= 1)) unit = false;
    if (v > max) {
      max = v;
      best = i;
    }
  }
  if (Number.isNaN(max)) return undefined;
  if (unit) return { index: best, argmax: true, confidence: max, size: n };
  if (classCount === n) return { index: best, argmax: true, confidence: undefined, size: n };
  return undefined;
}
