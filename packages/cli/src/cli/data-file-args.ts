import type { DataFileOptions } from '../input/data-file-options';

/** The options of both commands that say how to read a data file, for `parseArgs`. */
export const DATA_FILE_ARGS = {
  format: { type: 'string' },
  delimiter: { type: 'string' },
  'missing-values': { type: 'string' },
  label: { type: 'string' },
  'prediction-label': { type: 'string' },
  'prediction-confidence': { type: 'string' },
} as const;

type DataFileValues = { [K in keyof typeof DATA_FILE_ARGS]?: string };

/** The parsed data options as {@link DataFileOptions}. */
export function dataFileOptions(values: DataFileValues): DataFileOptions {
  return {
    format: values.format,
    delimiter: values.delimiter,
    // `--missing-values ''` is the empty cell alone; `--missing-values ',NA'` the empty cell and NA.
    missingValues: values['missing-values']?.split(','),
    label: values.label,
    predictionLabel: values['prediction-label'],
    predictionConfidence: values['prediction-confidence'],
  };
}
