import type { ClassSet } from './class-set';

/** Precision, recall and F1 of one class (or their macro average); NaN where undefined. */
export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** Quality of a classifier over a window of matched feedback. */
export interface ClassificationSummary {
  readonly accuracy: number;
  /** One entry per class of the class set, in its order. */
  readonly classes: ReadonlyArray<ClassScores & { readonly label: string }>;
  /** Unweighted mean over the classes of the defined per-class values. */
  readonly macro: ClassScores;
}

const NO_CLASS = -1;

function meanOfDefined(values: readonly number[]): number {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (!Number.isNaN(value)) {
      sum += value;
      count++;
    }
  }
  return count === 0 ? NaN : sum / count;
}

/**
 * The last `size` (predicted, true) pairs of a classifier, as class indexes in fixed typed
 * arrays, and the metrics over them. Metrics are computed when collected, in O(size + classes),
 * not on every feedback.
 *
 * Definitions (those of scikit-learn's `precision_recall_fscore_support` with
 * `zero_division=np.nan`, over the classes of the class set):
 * precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2·TP / (2·TP + FP + FN), each NaN when
 * its denominator is 0; macro = mean of the per-class values that are not NaN. Pairs whose classes
 * are outside the class set count in accuracy, and as FP / FN of the classes that are in it.
 */
export class ClassificationWindow {
  private readonly predicted: Int32Array;
  private readonly actual: Int32Array;
  private readonly correct: Uint8Array;
  private next = 0;
  count = 0;

  constructor(
    size: number,
    readonly classes: ClassSet,
  ) {
    this.predicted = new Int32Array(size);
    this.actual = new Int32Array(size);
    this.correct = new Uint8Array(size);
  }

  /** Adds a pair; returns whether the prediction was correct. */
  push(predictedLabel: string, actualLabel: string): boolean {
    const correct = predictedLabel === actualLabel;
    const predicted = this.classes.indexOf(predictedLabel);
    this.predicted[this.next] = predicted;
    this.actual[this.next] = correct ? predicted : this.classes.indexOf(actualLabel);
    this.correct[this.next] = correct ? 1 : 0;
    this.next = (this.next + 1) % this.correct.length;
    if (this.count < this.correct.length) this.count++;
    return correct;
  }

  /** Accuracy and per-class scores; `undefined` while the window is empty. */
  summary(): ClassificationSummary | undefined {
    if (this.count === 0) return undefined;
    const k = this.classes.size;
    const tp = new Array<number>(k).fill(0);
    const fp = new Array<number>(k).fill(0);
    const fn = new Array<number>(k).fill(0);
    let correctCount = 0;
    for (let i = 0; i < this.count; i++) {
      const predicted = this.predicted[i]!;
      const actual = this.actual[i]!;
      if (this.correct[i] === 1) {
        correctCount++;
        if (predicted !== NO_CLASS) tp[predicted]!++;
      } else {
        if (predicted !== NO_CLASS) fp[predicted]!++;
        if (actual !== NO_CLASS) fn[actual]!++;
      }
    }
    const classes = this.classes.names.map((label, c) => {
      const t = tp[c]!;
      const p = fp[c]!;
      const n = fn[c]!;
      return {
        label,
        precision: t + p > 0 ? t / (t + p) : NaN,
        recall: t + n > 0 ? t / (t + n) : NaN,
        f1: 2 * t + p + n > 0 ? (2 * t) / (2 * t + p + n) : NaN,
      };
    });
    return {
      accuracy: correctCount / this.count,
      classes,
      macro: {
        precision: meanOfDefined(classes.map((c) => c.precision)),
        recall: meanOfDefined(classes.map((c) => c.recall)),
        f1: meanOfDefined(classes.map((c) => c.f1)),
      },
    };
  }
}
