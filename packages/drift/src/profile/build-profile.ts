import { binIndex } from '../bins';
import { binEdges } from './bin-edges';
import {
  MAX_CATEGORIES,
  PROFILE_FORMAT,
  PROFILE_FORMAT_VERSION,
  type BuildProfileOptions,
  type CategoricalFeatureProfile,
  type DriftProfile,
  type FeatureProfile,
  type FeatureType,
  type NumericFeatureProfile,
} from './profile-types';

const DEFAULT_BINS = 10;
const DEFAULT_TOP_K = 20;
const DEFAULT_SAMPLE_SIZE = 1000;
const DEFAULT_MAX_OTHER_CATEGORIES = 1000;

const hasOwn = (object: object, key: string): boolean => Object.hasOwn(object, key);

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`buildProfile: option ${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function readValue(row: unknown, name: string): unknown {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return undefined;
  return hasOwn(row, name) ? (row as Record<string, unknown>)[name] : undefined;
}

const isMissing = (value: unknown): boolean =>
  value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value));

/** A categorical value as its category string, or undefined when it cannot be one. */
export function categoryOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  return undefined;
}

function featureNames(rows: readonly unknown[]): string[] {
  const seen = new Set<string>();
  let index = 0;
  for (const row of rows) {
    // Rows of bare numbers (what ml.js and most training code hold) have no feature names: profiled as
    // they are, they would give a profile without features, and a monitor that watches nothing.
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      const what = Array.isArray(row) ? 'an array' : row === null ? 'null' : `a ${typeof row}`;
      throw new TypeError(
        `buildProfile: rows[${index}] is ${what}; each row must be an object naming its features, ` +
          'such as { sepal_length: 5.1, species: "setosa" } (name the columns first: rows.map(([a, b]) => ({ a, b })))',
      );
    }
    for (const key of Object.keys(row)) seen.add(key);
    index++;
  }
  return [...seen];
}

function inferType(rows: readonly unknown[], name: string): FeatureType {
  let numbers = 0;
  for (const row of rows) {
    const value = readValue(row, name);
    if (isMissing(value)) continue;
    if (typeof value !== 'number') return 'categorical';
    numbers++;
  }
  return numbers > 0 ? 'numeric' : 'categorical';
}

function checkedEdges(name: string, edges: unknown): number[] {
  const where = `buildProfile: option edges[${JSON.stringify(name)}]`;
  if (!Array.isArray(edges) || edges.length === 0) throw new TypeError(`${where} must be a non-empty array of numbers`);
  edges.forEach((edge, i) => {
    if (typeof edge !== 'number' || !Number.isFinite(edge)) {
      throw new TypeError(`${where}[${i}] must be a finite number, got ${JSON.stringify(edge)}`);
    }
    if (i > 0 && edge <= (edges[i - 1] as number)) {
      throw new RangeError(`${where}[${i}] must be greater than the edge before it (${edges[i - 1]}), got ${edge}`);
    }
  });
  return edges.slice() as number[];
}

function buildNumeric(
  name: string,
  rows: readonly unknown[],
  bins: number,
  sampleSize: number,
  explicitEdges: number[] | undefined,
): NumericFeatureProfile | undefined {
  const values: number[] = [];
  let missing = 0;
  let invalid = 0;
  for (const row of rows) {
    const value = readValue(row, name);
    if (isMissing(value)) missing++;
    else if (typeof value === 'number' && Number.isFinite(value)) values.push(value);
    else invalid++;
  }
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const min = sorted[0] as number;
  const max = sorted[n - 1] as number;
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / n;
  let squares = 0;
  for (const v of sorted) squares += (v - mean) * (v - mean);
  const std = Math.sqrt(squares / n);

  const edges = explicitEdges ?? binEdges(sorted, bins);
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of sorted) {
    const bin = binIndex(edges, v);
    counts[bin] = (counts[bin] as number) + 1;
  }
  const sample: number[] = [];
  if (n <= sampleSize) {
    for (const v of sorted) sample.push(v);
  } else {
    for (let i = 0; i < sampleSize; i++) sample.push(sorted[Math.floor(((i + 0.5) * n) / sampleSize)] as number);
  }
  return {
    name,
    type: 'numeric',
    count: n,
    missing,
    invalid,
    missingRate: rows.length === 0 ? 0 : missing / rows.length,
    mean,
    std,
    min,
    max,
    edges,
    proportions: counts.map((c) => c / n),
    sample,
  };
}

function buildCategorical(
  name: string,
  rows: readonly unknown[],
  topK: number,
  maxOther: number,
): CategoricalFeatureProfile | undefined {
  const counts = new Map<string, number>();
  let missing = 0;
  let invalid = 0;
  let count = 0;
  for (const row of rows) {
    const value = readValue(row, name);
    if (isMissing(value)) {
      missing++;
      continue;
    }
    const category = categoryOf(value);
    if (category === undefined) {
      invalid++;
      continue;
    }
    counts.set(category, (counts.get(category) ?? 0) + 1);
    count++;
  }
  if (count === 0) return undefined;
  // Most frequent first; ties in code-unit order so that the profile does not depend on row order.
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const top = ranked.slice(0, topK);
  const rest = ranked.slice(topK);
  const otherCount = rest.reduce((s, [, c]) => s + c, 0);
  return {
    name,
    type: 'categorical',
    count,
    missing,
    invalid,
    missingRate: rows.length === 0 ? 0 : missing / rows.length,
    categories: top.map(([category]) => category),
    proportions: [...top.map(([, c]) => c / count), otherCount / count],
    otherCategories: rest.slice(0, maxOther).map(([category]) => category),
  };
}

/**
 * Builds a reference profile from training rows (plain objects, one per example). Numeric
 * features get quantile bins whose edges lie between distinct reference values (so that rounded
 * data does not raise PSI), with open bins below and above the reference range, summary
 * statistics and a bounded sample; categorical features get their top-K category proportions.
 * Features without a single usable value are left out. The result is plain JSON.
 *
 * @throws TypeError / RangeError naming the option when an option is invalid, when `rows` is not an array,
 * or, when the features are not given, when a row is not an object (an array of numbers has no feature names).
 */
export function buildProfile(rows: readonly unknown[], options: BuildProfileOptions = {}): DriftProfile {
  if (!Array.isArray(rows)) throw new TypeError(`buildProfile: rows must be an array of objects, got ${typeof rows}`);
  const bins = positiveInteger('bins', options.bins, DEFAULT_BINS);
  const topK = positiveInteger('topK', options.topK, DEFAULT_TOP_K);
  const sampleSize = positiveInteger('sampleSize', options.sampleSize, DEFAULT_SAMPLE_SIZE);
  const maxOther = positiveInteger('maxOtherCategories', options.maxOtherCategories, DEFAULT_MAX_OTHER_CATEGORIES);
  if (topK > MAX_CATEGORIES)
    throw new RangeError(`buildProfile: option topK must be at most ${MAX_CATEGORIES}, got ${topK}`);
  const names = options.features ? [...options.features] : featureNames(rows);
  const features: FeatureProfile[] = [];
  for (const name of names) {
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(`buildProfile: option features must hold non-empty strings, got ${JSON.stringify(name)}`);
    }
    const declared = options.types && hasOwn(options.types, name) ? options.types[name] : undefined;
    if (declared !== undefined && declared !== 'numeric' && declared !== 'categorical') {
      throw new TypeError(
        `buildProfile: option types[${JSON.stringify(name)}] must be 'numeric' or 'categorical', got ${JSON.stringify(declared)}`,
      );
    }
    const explicitEdges =
      options.edges && hasOwn(options.edges, name) ? checkedEdges(name, options.edges[name]) : undefined;
    const type = declared ?? (explicitEdges ? 'numeric' : inferType(rows, name));
    if (type === 'categorical' && explicitEdges) {
      throw new TypeError(`buildProfile: option edges[${JSON.stringify(name)}] is given for a categorical feature`);
    }
    const profile =
      type === 'numeric'
        ? buildNumeric(name, rows, bins, sampleSize, explicitEdges)
        : buildCategorical(name, rows, topK, maxOther);
    if (profile) features.push(profile);
  }
  return {
    format: PROFILE_FORMAT,
    formatVersion: PROFILE_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    rows: rows.length,
    features,
  };
}
