/** Characters of a client's string shown back in an error answer; the rest is only counted. */
export const PREVIEW_CHARS = 24;

/**
 * A bounded description of a value the client sent, for an error answer: a string shows at most its
 * first {@link PREVIEW_CHARS} characters and its length, an array or object only its kind. It never
 * walks into the value, so a value nested 10,000 deep costs as little as a number.
 */
export function previewValue(value: unknown): string {
  if (typeof value === 'string') {
    if (value.length <= PREVIEW_CHARS) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, PREVIEW_CHARS))}… (${value.length} characters)`;
  }
  if (Array.isArray(value)) return `an array of ${value.length} ${value.length === 1 ? 'item' : 'items'}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
