/** A row of generated data: numbers, categories, booleans, `null` or `undefined` for missing. */
export type Row = Record<string, number | string | boolean | null | undefined>;
/** Rows of a small churn model's data and outputs; `shift` moves the inputs (0: the reference). */
export declare function generateRows(count: number, seed: number, shift?: number): Row[];
/** The columns of the rows, in first-seen order. */
export declare function columnsOf(rows: readonly Row[]): string[];
/** The rows as CSV text (a missing value is an empty cell). */
export declare function toCsv(rows: readonly Row[], delimiter?: string): string;
/** The rows as JSON Lines. */
export declare function toJsonLines(rows: readonly Row[]): string;
/** Writes `text` to `file`, gzipped when the name ends in `.gz`; returns the file. */
export declare function writeText(file: string, text: string): string;
