/** A value as an error message shows it: strings quoted, arrays in brackets (an empty one stays visible). */
export function showValue(value: unknown): string {
  try {
    if (typeof value === 'string') return JSON.stringify(value);
    if (Array.isArray(value)) return `[${value.map(showValue).join(', ')}]`;
    return String(value);
  } catch {
    return typeof value;
  }
}
