import { readFileSync, writeFileSync } from 'node:fs';
import {
  MAX_CATEGORIES,
  PROFILE_FORMAT,
  PROFILE_FORMAT_VERSION,
  type CategoricalFeatureProfile,
  type DriftProfile,
  type FeatureProfile,
  type NumericFeatureProfile,
} from './profile-types';

/** Thrown when a profile cannot be used; the message says what is wrong and where (a JSON path). */
export class ProfileError extends Error {
  /** Where in the document, e.g. `features[2].edges[3]`. */
  readonly path: string;
  constructor(source: string, path: string, problem: string) {
    super(`invalid drift profile${source ? ` ${source}` : ''} at ${path || '(root)'}: ${problem}`);
    this.name = 'ProfileError';
    this.path = path;
  }
}

const describe = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const json = JSON.stringify(value);
  return json === undefined ? typeof value : json.length > 60 ? `${json.slice(0, 57)}...` : json;
};

const SUM_TOLERANCE = 1e-6;

class Checker {
  constructor(private readonly source: string) {}

  fail(path: string, problem: string): never {
    throw new ProfileError(this.source, path, problem);
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.fail(path, `expected an object, got ${describe(value)}`);
    }
    return value as Record<string, unknown>;
  }

  finite(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value))
      this.fail(path, `expected a finite number, got ${describe(value)}`);
    return value;
  }

  count(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      this.fail(path, `expected an integer >= 0, got ${describe(value)}`);
    }
    return value;
  }

  array(value: unknown, path: string, minLength = 0): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `expected an array, got ${describe(value)}`);
    if (value.length < minLength) this.fail(path, `expected at least ${minLength} entries, got ${value.length}`);
    return value;
  }

  numbers(value: unknown, path: string, minLength: number, ascending: 'strict' | 'loose' | 'none'): number[] {
    const list = this.array(value, path, minLength);
    return list.map((entry, i) => {
      const n = this.finite(entry, `${path}[${i}]`);
      if (i > 0) {
        const before = list[i - 1] as number;
        if (ascending === 'strict' && !(n > before))
          this.fail(`${path}[${i}]`, `expected a number greater than ${before}, got ${n}`);
        if (ascending === 'loose' && !(n >= before))
          this.fail(`${path}[${i}]`, `expected a number >= ${before}, got ${n}`);
      }
      return n;
    });
  }

  proportions(value: unknown, path: string, length: number): number[] {
    const list = this.numbers(value, path, 0, 'none');
    if (list.length !== length) this.fail(path, `expected ${length} proportions (one per bin), got ${list.length}`);
    let sum = 0;
    list.forEach((p, i) => {
      if (p < 0 || p > 1) this.fail(`${path}[${i}]`, `expected a proportion in [0, 1], got ${p}`);
      sum += p;
    });
    if (Math.abs(sum - 1) > SUM_TOLERANCE) this.fail(path, `proportions must sum to 1, they sum to ${sum}`);
    return list;
  }

  strings(value: unknown, path: string): string[] {
    return this.array(value, path).map((entry, i) => {
      if (typeof entry !== 'string') this.fail(`${path}[${i}]`, `expected a string, got ${describe(entry)}`);
      return entry;
    });
  }
}

function parseFeature(check: Checker, raw: unknown, path: string, rows: number): FeatureProfile {
  const f = check.object(raw, path);
  if (typeof f.name !== 'string' || f.name === '')
    check.fail(`${path}.name`, `expected a non-empty string, got ${describe(f.name)}`);
  const name = f.name;
  const where = `${path} (${JSON.stringify(name)})`;
  const count = check.count(f.count, `${where}.count`);
  if (count < 1) check.fail(`${where}.count`, 'expected at least 1 reference value');
  const missing = check.count(f.missing, `${where}.missing`);
  const invalid = check.count(f.invalid, `${where}.invalid`);
  const missingRate = check.finite(f.missingRate, `${where}.missingRate`);
  if (missingRate < 0 || missingRate > 1)
    check.fail(`${where}.missingRate`, `expected a rate in [0, 1], got ${missingRate}`);
  if (count + missing + invalid > rows) {
    check.fail(where, `count + missing + invalid (${count + missing + invalid}) exceeds the profile's rows (${rows})`);
  }
  const base = { name, count, missing, invalid, missingRate };
  if (f.type === 'numeric') {
    const min = check.finite(f.min, `${where}.min`);
    const max = check.finite(f.max, `${where}.max`);
    if (max < min) check.fail(`${where}.max`, `expected max >= min (${min}), got ${max}`);
    const edges = check.numbers(f.edges, `${where}.edges`, 1, 'strict');
    const feature: NumericFeatureProfile = {
      ...base,
      type: 'numeric',
      mean: check.finite(f.mean, `${where}.mean`),
      std: check.finite(f.std, `${where}.std`),
      min,
      max,
      edges,
      proportions: check.proportions(f.proportions, `${where}.proportions`, edges.length + 1),
      sample: check.numbers(f.sample, `${where}.sample`, 1, 'loose'),
    };
    if (feature.std < 0) check.fail(`${where}.std`, `expected a number >= 0, got ${feature.std}`);
    return feature;
  }
  if (f.type === 'categorical') {
    const categories = check.strings(f.categories, `${where}.categories`);
    if (categories.length > MAX_CATEGORIES) {
      check.fail(`${where}.categories`, `expected at most ${MAX_CATEGORIES} categories, got ${categories.length}`);
    }
    const seen = new Set<string>();
    categories.forEach((c, i) => {
      if (seen.has(c)) check.fail(`${where}.categories[${i}]`, `duplicate category ${JSON.stringify(c)}`);
      seen.add(c);
    });
    const otherCategories = check.strings(f.otherCategories ?? [], `${where}.otherCategories`);
    const feature: CategoricalFeatureProfile = {
      ...base,
      type: 'categorical',
      categories,
      proportions: check.proportions(f.proportions, `${where}.proportions`, categories.length + 1),
      otherCategories,
    };
    return feature;
  }
  return check.fail(`${where}.type`, `expected "numeric" or "categorical", got ${describe(f.type)}`);
}

/**
 * Checks a profile (a parsed JSON value, or JSON text) and returns it typed. Everything the monitor
 * relies on is checked: format and version, and per feature its type, counts, ascending edges,
 * proportions (one per bin, summing to 1), sample, categories.
 *
 * @param source Where the profile comes from, for the error message (e.g. a file name).
 * @throws ProfileError saying what is wrong and where, e.g.
 *   `invalid drift profile model/profile.json at features[2] ("age").edges[3]: expected a number greater than 41, got 40`.
 */
export function parseProfile(input: unknown, source = ''): DriftProfile {
  const check = new Checker(source);
  let value = input;
  if (typeof input === 'string') {
    // JSON text of a profile is an object; anything else given as a string is most likely a file's path.
    if (!input.trimStart().startsWith('{') && /\.json$/i.test(input.trim())) {
      check.fail(
        '',
        `expected a profile or its JSON text, got the string ${JSON.stringify(input)}: to read a profile file, pass loadProfile(${JSON.stringify(input)})`,
      );
    }
    try {
      value = JSON.parse(input);
    } catch (error) {
      check.fail('', `not valid JSON (${(error as Error).message})`);
    }
  }
  const root = check.object(value, '');
  if (root.format !== PROFILE_FORMAT)
    check.fail('format', `expected ${JSON.stringify(PROFILE_FORMAT)}, got ${describe(root.format)}`);
  if (root.formatVersion !== PROFILE_FORMAT_VERSION) {
    check.fail(
      'formatVersion',
      `unknown version ${describe(root.formatVersion)}; this version of @modelsight/drift reads version ${PROFILE_FORMAT_VERSION}`,
    );
  }
  const rows = check.count(root.rows, 'rows');
  const createdAt =
    typeof root.createdAt === 'string'
      ? root.createdAt
      : check.fail('createdAt', `expected a string, got ${describe(root.createdAt)}`);
  const rawFeatures = check.array(root.features, 'features');
  const names = new Set<string>();
  const features = rawFeatures.map((raw, i) => {
    const feature = parseFeature(check, raw, `features[${i}]`, rows);
    if (names.has(feature.name)) check.fail(`features[${i}].name`, `duplicate feature ${JSON.stringify(feature.name)}`);
    names.add(feature.name);
    return feature;
  });
  return { format: PROFILE_FORMAT, formatVersion: PROFILE_FORMAT_VERSION, createdAt, rows, features };
}

/** The profile as JSON text (2-space indented), as `saveProfile` writes it. */
export function serializeProfile(profile: DriftProfile): string {
  return `${JSON.stringify(profile, null, 2)}\n`;
}

/** Writes a profile as JSON, e.g. next to the model file. */
export function saveProfile(file: string, profile: DriftProfile): void {
  writeFileSync(file, serializeProfile(parseProfile(profile, file)));
}

/**
 * Reads and checks a profile written by {@link saveProfile}.
 * @throws ProfileError naming the file and the place in it when the file is not a valid profile.
 */
export function loadProfile(file: string): DriftProfile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ProfileError(file, '', `cannot read the file (${(error as Error).message})`);
  }
  return parseProfile(text, file);
}
