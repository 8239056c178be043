import type { Progress } from '../output/progress-bar';

/** How to read a data file, and which of its columns are the label and the prediction outputs. */
export interface DataFileOptions {
  /** `csv`, `jsonl` or `json`. @default from the file name */
  readonly format?: string;
  /** CSV field separator. @default `,` (a tab for `.tsv`) */
  readonly delimiter?: string;
  /** CSV cells read as missing. @default `['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None']` */
  readonly missingValues?: readonly string[];
  /** Column of the true label (ground truth): left out of profiles, used for accuracy in reports. */
  readonly label?: string;
  /** Column of the model's predicted label. @default a column named `prediction.label` */
  readonly predictionLabel?: string;
  /** Column of the model's confidence. @default a column named `prediction.confidence` */
  readonly predictionConfidence?: string;
  /** Called with remarks that do not stop the work (a column left out, a feature absent, ...). */
  readonly onWarning?: (message: string) => void;
  /** @internal Progress display of the command line. */
  readonly progress?: Progress;
}
