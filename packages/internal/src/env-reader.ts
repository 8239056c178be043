import { ReportOnce } from './report-once';

/** Environment variables by name, as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Where a package reads its variables, and where a bad value is reported. */
export interface EnvSource {
  /** The variables. */
  readonly vars: Env;
  /** Receives one sentence per bad value: `NAME="value" is not valid (expected …); using <default>`. */
  readonly warn: (message: string) => void;
}

/** `process.env`, or nothing where there is no `process` (a browser bundle). */
export function processEnv(): Env {
  return typeof process === 'undefined' ? {} : process.env;
}

/**
 * The source of a package: `vars`, and a bad value written once per process through `diag.warn`, prefixed
 * by the package's name. Once per process: a variable read by two packages (or by the CommonJS and the ESM
 * build of one) is warned about once.
 */
export function envSource(component: string, vars: Env = processEnv()): EnvSource {
  const reporter = new ReportOnce(component, 'process');
  return { vars, warn: (message) => reporter.report(message, message) };
}

/** The sentence of a bad value, the one style of every package. */
export function badValueMessage(name: string, raw: string, expected: string, fallback: string): string {
  return `${name}=${JSON.stringify(raw)} is not valid (expected ${expected}); using ${fallback}`;
}

/** A default as the warning shows it. */
export function showDefault(value: unknown): string {
  if (value === undefined) return 'no value';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(',');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Options shared by the readers. */
export interface ReadOptions {
  /** How the warning names the default, when the value itself does not say it (a value derived from others). */
  readonly defaultText?: string;
}

/**
 * The raw value, trimmed, or `undefined` when unset or blank (blank means unset, as in the OpenTelemetry
 * specification).
 */
function rawValue(source: EnvSource, name: string): string | undefined {
  const raw = source.vars[name];
  if (raw === undefined) return undefined;
  const value = raw.trim();
  return value === '' ? undefined : value;
}

/**
 * A variable parsed by `parse` (which returns `undefined` for a value it rejects), else `fallback`; a
 * rejected value is reported naming the variable, the value, what was expected and the default used.
 */
export function readValue<T, F = T>(
  source: EnvSource,
  name: string,
  fallback: F,
  parse: (value: string) => T | undefined,
  expected: string,
  options: ReadOptions = {},
): T | F {
  const value = rawValue(source, name);
  if (value === undefined) return fallback;
  const parsed = parse(value);
  if (parsed !== undefined) return parsed;
  source.warn(badValueMessage(name, source.vars[name] ?? '', expected, options.defaultText ?? showDefault(fallback)));
  return fallback;
}

/** A string, or `fallback` when unset or blank; `check` rejects values that cannot be used. */
export function readString<F extends string | undefined>(
  source: EnvSource,
  name: string,
  fallback: F,
  check?: { readonly test: (value: string) => boolean; readonly expected: string },
): string | F {
  if (check === undefined) return rawValue(source, name) ?? fallback;
  return readValue(source, name, fallback, (value) => (check.test(value) ? value : undefined), check.expected);
}

/** `true` or `false`, in any case; nothing else. */
export function readBoolean<F extends boolean | undefined>(source: EnvSource, name: string, fallback: F): boolean | F {
  return readValue(
    source,
    name,
    fallback,
    (value) => {
      const lower = value.toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : undefined;
    },
    'true or false',
  );
}

/** Bounds of a number; both inclusive. */
export interface NumberRange {
  /** @default 1 for integers, above 0 for numbers */
  readonly min?: number;
  /** @default Number.MAX_SAFE_INTEGER for integers, Infinity for numbers */
  readonly max?: number;
}

/** A whole number (digits only) from `min` (default 1) to `max`. */
export function readInteger<F extends number | undefined>(
  source: EnvSource,
  name: string,
  fallback: F,
  range: NumberRange = {},
): number | F {
  const min = range.min ?? 1;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const expected =
    max !== Number.MAX_SAFE_INTEGER
      ? `a whole number from ${min} to ${max}`
      : min === 1
        ? 'a whole number greater than 0'
        : `a whole number of at least ${min}`;
  return readValue(
    source,
    name,
    fallback,
    (value) => {
      const parsed = Number(value);
      return /^\d+$/.test(value) && Number.isSafeInteger(parsed) && parsed >= min && parsed <= max ? parsed : undefined;
    },
    expected,
  );
}

/** A finite number greater than 0 (or from `min`, when given) up to `max`. */
export function readNumber<F extends number | undefined>(
  source: EnvSource,
  name: string,
  fallback: F,
  range: NumberRange = {},
): number | F {
  const max = range.max ?? Infinity;
  const above = range.min === undefined ? 'greater than 0' : `of at least ${range.min}`;
  const expected = max === Infinity ? `a number ${above}` : `a number ${above} and at most ${max}`;
  return readValue(
    source,
    name,
    fallback,
    (value) => {
      const parsed = Number(value);
      const low = range.min === undefined ? parsed > 0 : parsed >= range.min;
      return Number.isFinite(parsed) && low && parsed <= max ? parsed : undefined;
    },
    expected,
  );
}

/** A number from 0 to 1. */
export function readRatio<F extends number | undefined>(source: EnvSource, name: string, fallback: F): number | F {
  return readValue(
    source,
    name,
    fallback,
    (value) => {
      const parsed = Number(value);
      return Number.isFinite(parsed) && parsed >= 0 && parsed <= 1 ? parsed : undefined;
    },
    'a number from 0 to 1',
  );
}

/** Options of {@link readList}. */
export interface ListOptions {
  /** The names allowed (compared in lower case); any other makes the whole value bad. */
  readonly allowed?: readonly string[];
  /** Items in lower case. @default false, or true when `allowed` is given */
  readonly lowerCase?: boolean;
}

/** A comma-separated list, items trimmed, blanks and repeats dropped; `fallback` when unset or blank. */
export function readList<F extends readonly string[] | undefined>(
  source: EnvSource,
  name: string,
  fallback: F,
  options: ListOptions = {},
): string[] | F {
  const { allowed } = options;
  const lowerCase = options.lowerCase ?? allowed !== undefined;
  return readValue(
    source,
    name,
    fallback,
    (value) => {
      const items = [
        ...new Set(
          value
            .split(',')
            .map((item) => (lowerCase ? item.trim().toLowerCase() : item.trim()))
            .filter((item) => item !== ''),
        ),
      ];
      if (items.length === 0) return undefined;
      if (allowed !== undefined && items.some((item) => !allowed.includes(item))) return undefined;
      return items;
    },
    allowed === undefined ? 'a comma-separated list' : `a comma-separated list of ${allowed.join(', ')}`,
  );
}

/** One of `allowed`, in any case. */
export function readEnum<T extends string, F extends T | undefined>(
  source: EnvSource,
  name: string,
  allowed: readonly T[],
  fallback: F,
): T | F {
  return readValue(
    source,
    name,
    fallback,
    (value) => allowed.find((item) => item === value.toLowerCase()),
    `one of ${allowed.join(', ')}`,
  );
}

/** A URL of one of `protocols` (default `http:` and `https:`). */
export function readUrl<F extends string | undefined>(
  source: EnvSource,
  name: string,
  fallback: F,
  options: ReadOptions & { readonly protocols?: readonly string[] } = {},
): string | F {
  const protocols = options.protocols ?? ['http:', 'https:'];
  return readValue(
    source,
    name,
    fallback,
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol) ? value : undefined;
      } catch {
        return undefined;
      }
    },
    `${/^[aeiouh]/.test(protocols[0] ?? '') ? 'an' : 'a'} ${protocols.map((protocol) => `${protocol}//`).join(' or ')} URL`,
    options,
  );
}
