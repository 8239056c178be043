import { InputError } from '../input/input-error';

/** A value read from the config, with the dotted path of its key for error messages. */
export type Obj = Record<string, unknown>;

/** Where a config value sits: `actions.retrain.timeout`. */
export const keyPath = (parent: string, key: string | number): string =>
  typeof key === 'number' ? `${parent}[${key}]` : parent === '' ? key : `${parent}.${key}`;

/** Throws the config error of `key`: the file, the key and the value it got. */
export function configError(file: string, key: string, expected: string, value: unknown): never {
  throw new InputError(`${file}: ${key} must be ${expected}, got ${JSON.stringify(value) ?? String(value)}`);
}

/** A mapping (YAML object), with no key outside `allowed` (a misspelt key is an error, not a default). */
export function mapping(file: string, key: string, value: unknown, allowed: readonly string[]): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    configError(file, key || 'the file', 'a mapping', value);
  for (const name of Object.keys(value as Obj)) {
    if (!allowed.includes(name))
      throw new InputError(`${file}: unknown key ${keyPath(key, name)}; known: ${allowed.join(', ')}`);
  }
  return value as Obj;
}

/** A non-empty string. */
export function text(file: string, key: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') configError(file, key, 'a non-empty string', value);
  return value;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration such as `500ms`, `30s`, `5m`, `6h`, `1d`, in milliseconds; `0` is allowed only when `zero`. */
export function duration(file: string, key: string, value: unknown, zero: boolean): number {
  const match = typeof value === 'string' ? DURATION.exec(value.trim()) : null;
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : Number.NaN;
  if (!Number.isFinite(ms) || (!zero && ms <= 0) || ms > 30 * UNIT_MS.d)
    configError(file, key, `a duration such as 30s, 5m or 6h (at most 30d${zero ? '' : ', above 0'})`, value);
  return ms;
}

/** A whole number in [min, max]. */
export function integer(file: string, key: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    configError(file, key, `a whole number from ${min} to ${max}`, value);
  return value;
}

/** An absolute http: or https: URL. */
export function httpUrl(file: string, key: string, value: unknown): URL {
  let url: URL | undefined;
  try {
    url = new URL(text(file, key, value));
  } catch (error) {
    if (error instanceof InputError) throw error;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    configError(file, key, 'an absolute http:// or https:// URL', value);
  return url;
}
