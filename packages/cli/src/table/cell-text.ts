/**
 * Reading a CSV cell, which is always text: a decimal number becomes a number, a missing-value
 * marker becomes missing, anything else stays text. The rule is strict on purpose: `0x1F`, `1_000`
 * or `12 cm` are text, not numbers, as pandas reads them.
 */

/** Markers read as missing by default, besides the empty cell (those of pandas' `read_csv` most often met). */
export const DEFAULT_MISSING_VALUES: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None'];

/** The text of a decimal number, as a regular expression pattern that JavaScript and RE2 (DuckDB) read alike. */
export const DECIMAL_PATTERN = '\\s*[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?\\s*';
/** The text of an infinity (as numpy writes them), the sign captured. */
export const INFINITE_PATTERN = '\\s*([+-]?)(?:inf|Inf|INF|infinity|Infinity|INFINITY)\\s*';

const DECIMAL = new RegExp(`^${DECIMAL_PATTERN}$`);
const INFINITE = new RegExp(`^${INFINITE_PATTERN}$`);

/** Whether `text` is a decimal number (optionally signed, with a fraction and an exponent). */
export const isDecimal = (text: string): boolean => DECIMAL.test(text);

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/**
 * The number a cell holds, or NaN when it is not a decimal number. `Number()` alone would also
 * read `0x1F`, `0b1`, `Infinity` and blank text; the common case (a digit or sign first, a digit
 * last, no radix prefix) is settled without the regular expression.
 */
export function decimalValue(text: string): number {
  const n = Number(text);
  if (Number.isNaN(n) || text === '') return Number.NaN;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  if ((isDigit(last) || last === 46) && (isDigit(first) || first === 45 || first === 43 || first === 46)) {
    // `0x10`, `0b10`, `0o10`: radix prefixes that Number() accepts.
    if (first === 48 && text.length > 2 && !isDigit(text.charCodeAt(1)) && text.charCodeAt(1) !== 46) {
      const letter = text.charCodeAt(1) | 0x20;
      if (letter !== 101) return Number.NaN;
    }
    return n;
  }
  return DECIMAL.test(text) ? n : Number.NaN;
}

/** ±Infinity for `inf`, `-Infinity` and the like (as numpy writes them), else undefined. */
export function infinityOf(text: string): number | undefined {
  const match = INFINITE.exec(text);
  if (match === null) return undefined;
  return match[1] === '-' ? -Infinity : Infinity;
}
