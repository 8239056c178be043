import { numericOutput, tensorData } from './numeric-output';

/** A short description of a result for a warning: its type and shape, never its values (they may be private). */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return `a ${typeof value}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value))
    return `a ${value.constructor.name} of ${(value as unknown as ArrayLike<unknown>).length}`;
  const tensor = tensorData(value);
  if (tensor !== undefined) return `a tensor of shape [${tensor.shape?.join(', ') ?? tensor.data.length}]`;
  const keys = Object.keys(value);
  const shown = keys.slice(0, 5).join(', ');
  return keys.length === 0 ? 'an empty object' : `an object with keys ${shown}${keys.length > 5 ? ', …' : ''}`;
}

/** A single number that is not a whole number: what a regression model returns, bare or as a one-element vector. */
export function looksLikeRegression(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value) && !Number.isInteger(value);
  if (value === null || typeof value !== 'object') return false;
  const numeric = numericOutput(value);
  if (numeric === undefined || numeric.data.length !== 1) return false;
  return looksLikeRegression(numeric.data[0]);
}
