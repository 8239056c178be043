import type { FeatureType } from '@modelsight/drift';
import { float64Array, int32Array, type ChunkedArray } from './chunked-array';

/** What a column holds so far: nothing but missing values, numbers, or categories. */
export type ColumnKind = 'empty' | 'numeric' | 'categorical';

const MISSING_CODE = -1;
const INVALID_CODE = -2;

/**
 * Stands for a value that is neither missing nor usable (an object or an array in a JSON record):
 * `buildProfile` and `DriftMonitor` both count an object as an invalid value.
 */
export const INVALID_VALUE: unknown = Object.freeze({});

/** A value that does not fit its column; the reader adds the file and the line to the message. */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/**
 * One column of a data file, kept compactly while the file streams by: numbers as doubles (NaN
 * for missing), categories as indexes into a dictionary. Without a declared type, the column is
 * numeric when every present value is a number and categorical when none is, as `buildProfile`
 * infers types; a column that mixes numbers with text is refused, naming the value, since it is
 * almost always a data error and would otherwise silently become a column of categories.
 */
export class Column {
  kind: ColumnKind;
  /** Values pushed so far, one per row. */
  length = 0;
  /** Distinct categories, in order of appearance. */
  readonly categories: string[] = [];
  private numbers: ChunkedArray<Float64Array> | undefined;
  private codes: ChunkedArray<Int32Array> | undefined;
  private readonly dictionary = new Map<string, number>();
  /** Missing values pushed before the column's kind was known. */
  private leadingMissing = 0;
  /** The first present value, as shown in messages about values that do not fit. */
  private example = '';

  /**
   * @param source The column's name in the file.
   * @param feature The feature it becomes (the source name, or an output name such as `prediction.label`).
   * @param declared The type given by the user or the profile, if any.
   * @param declaredBy Where the declared type comes from, for messages (`--type age=numeric`, `the profile`).
   */
  constructor(
    readonly source: string,
    readonly feature: string,
    readonly declared: FeatureType | undefined,
    private readonly declaredBy = '',
  ) {
    this.kind = declared ?? 'empty';
    if (declared === 'numeric') this.numbers = float64Array();
    if (declared === 'categorical') this.codes = int32Array();
  }

  pushMissing(): void {
    this.length++;
    if (this.numbers !== undefined) this.numbers.push(Number.NaN);
    else if (this.codes !== undefined) this.codes.push(MISSING_CODE);
    else this.leadingMissing++;
  }

  /**
   * A number (±Infinity is kept: it counts as invalid, as in `buildProfile`). `raw` is the value
   * as read (the cell's text, or the JSON value), for messages.
   */
  pushNumber(value: number, raw: unknown): void {
    if (this.kind === 'empty') this.become('numeric', raw);
    if (this.numbers !== undefined) {
      this.numbers.push(value);
      this.length++;
      return;
    }
    if (this.declared === 'categorical') {
      // As `buildProfile` and `DriftMonitor` read a number given for a category.
      this.pushCategory(Number.isFinite(value) ? String(value) : undefined);
      return;
    }
    throw new ValueError(
      `column ${JSON.stringify(this.source)}: ${show(raw)} is a number, but the column held text before (such as ${this.example}); ` +
        `give --type ${this.source}=categorical to read its numbers as categories too`,
    );
  }

  /** Text, or a boolean, read as a category. */
  pushText(text: string, raw: unknown): void {
    if (this.kind === 'empty') this.become('categorical', raw);
    if (this.codes !== undefined) {
      this.pushCategory(text);
      return;
    }
    throw this.notANumber(raw);
  }

  /** A value of no usable type (an object or an array). */
  pushInvalid(raw: unknown): void {
    if (this.kind === 'empty') this.become('categorical', raw);
    if (this.codes === undefined) throw this.notANumber(raw);
    this.pushCategory(undefined);
  }

  /** The value of row `index` as `buildProfile` and `DriftMonitor` read it: a number, a category string, undefined for missing, or {@link INVALID_VALUE}. */
  valueAt(index: number): unknown {
    if (this.numbers !== undefined) return this.numbers.get(index);
    if (this.codes !== undefined) {
      const code = this.codes.get(index);
      return code >= 0 ? this.categories[code] : code === MISSING_CODE ? undefined : INVALID_VALUE;
    }
    return undefined;
  }

  private pushCategory(category: string | undefined): void {
    const codes = this.codes as ChunkedArray<Int32Array>;
    this.length++;
    if (category === undefined) {
      codes.push(INVALID_CODE);
      return;
    }
    let code = this.dictionary.get(category);
    if (code === undefined) {
      code = this.categories.length;
      this.categories.push(category);
      this.dictionary.set(category, code);
    }
    codes.push(code);
  }

  private become(kind: 'numeric' | 'categorical', raw: unknown): void {
    this.kind = kind;
    this.example = show(raw);
    if (kind === 'numeric') {
      this.numbers = float64Array();
      this.numbers.fill(Number.NaN, this.leadingMissing);
    } else {
      this.codes = int32Array();
      this.codes.fill(MISSING_CODE, this.leadingMissing);
    }
  }

  private notANumber(raw: unknown): ValueError {
    const shown = show(raw);
    if (this.declared === 'numeric') {
      return new ValueError(
        `column ${JSON.stringify(this.source)}: ${shown} is not a number, and the column is numeric (${this.declaredBy})`,
      );
    }
    return new ValueError(
      `column ${JSON.stringify(this.source)}: ${shown} is not a number, but the column held numbers before (such as ${this.example}); ` +
        `fix the value, or give --type ${this.source}=categorical to read the column as categories`,
    );
  }
}

/** A value as messages show it: text quoted, `an object`, `an array`. */
function show(raw: unknown): string {
  if (typeof raw === 'string') return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 37)}...` : raw);
  if (Array.isArray(raw)) return 'an array';
  if (raw !== null && typeof raw === 'object') return 'an object';
  return String(raw);
}
