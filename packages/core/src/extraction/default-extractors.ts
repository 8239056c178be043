import { classIndex, readClassScores, type ClassReading } from './class-scores';
import { numericOutput } from './numeric-output';
import type { ModelTask } from '../types';

/**
 * Where confidence and label are found when no extractor is given, on what models and ML runtimes
 * commonly return:
 * - objects: `{ confidence }`, `{ score }`, `{ label }`, `{ class }`, `{ prediction }`, `{ output_label }`,
 *   and per-class `probabilities` / `probability` / `probs` / `output_probability` / `scores` / `logits`
 *   (arrays, typed arrays or tensors, as onnxruntime's `{ name: Tensor }` outputs hold them);
 * - probability vectors (arrays, typed arrays, tensors of shape `[n]` or `[1, n]`): argmax and max;
 * - class indices (`0`, `[0]`, `BigInt64Array [1n]`), named through `classes`;
 * - `[{ label, score }, …]` lists (transformers.js): the top one; `{ labels, scores }` (zero-shot): the best label;
 * - objects of named scores (`{ cat: 0.9, dog: 0.1 }`, as brain.js returns): the best one;
 * - an object with a single tensor (`{ output: Tensor }`), read as that tensor; a bare string label.
 * Values of the wrong type are returned as they are, so that the caller can report them instead of
 * silently dropping them.
 */
export interface DefaultExtractors {
  confidence(result: unknown): unknown;
  label(result: unknown): unknown;
}

/** Thrown by the default label extractor when a class index has no name in `classes`. */
export class ClassIndexError extends Error {
  override readonly name = 'ClassIndexError';
}

const SCORE_KEYS = ['probabilities', 'probability', 'probs', 'output_probability', 'scores', 'logits'] as const;

/** Whether an object names its label itself: then none of its other numbers is read as a class score. */
function hasLabelKey(r: Record<string, unknown>): boolean {
  return r.label !== undefined || r.class !== undefined || r.prediction !== undefined || r.output_label !== undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}

/** A one-element vector or tensor as its element (`{ score: Float32Array [0.9] }`); anything else as it is. */
function scalarOf(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const numeric = numericOutput(value);
  return numeric !== undefined && numeric.data.length === 1 ? numeric.data[0] : value;
}

/** The item of a `[{ label, score }, …]` list with the highest score (the first when none has one). */
function topItem(list: readonly unknown[]): unknown {
  let top: unknown = list[0];
  let best = -Infinity;
  for (const item of list) {
    const score = isObject(item) ? scalarOf(item.score ?? item.confidence) : undefined;
    if (typeof score === 'number' && score > best) {
      best = score;
      top = item;
    }
  }
  return top;
}

/**
 * The argmax named by the result's own list of labels, one per score (transformers.js zero-shot
 * classification gives `{ sequence, labels, scores }`, its candidate labels in the order of the scores).
 */
function ownLabel(r: Record<string, unknown>, found: ClassReading): string | undefined {
  const labels = r.labels;
  if (!found.argmax || found.index === undefined || !Array.isArray(labels) || labels.length !== found.size)
    return undefined;
  const label: unknown = labels[found.index];
  return typeof label === 'string' ? label : undefined;
}

/** Named scores (`{ setosa: 0.9, versicolor: 0.1 }`): at least two keys, every value a number in [0, 1]. */
function namedScores(r: Record<string, unknown>, keys: string[]): { label: string; confidence: number } | undefined {
  if (keys.length < 2) return undefined;
  let label = '';
  let confidence = -1;
  for (const key of keys) {
    const v = r[key];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) return undefined;
    if (v > confidence) {
      confidence = v;
      label = key;
    }
  }
  return { label, confidence };
}

/**
 * The default extractors, naming class indices with `classes` when given. For a model declared as
 * `regression`, numbers are never read as class scores (only the named keys are looked at).
 */
export function defaultExtractors(classes: readonly string[] | undefined, task?: ModelTask): DefaultExtractors {
  const classCount = classes?.length;
  const readsScores = task !== 'regression';

  function className(index: number, size?: number): string {
    if (classes === undefined) return String(index);
    if (size !== undefined && size !== classes.length) {
      throw new ClassIndexError(`the model gave ${size} class scores but \`classes\` names ${classes.length} classes`);
    }
    if (index >= classes.length) {
      throw new ClassIndexError(`class index ${index} has no name in \`classes\` (${classes.length} names)`);
    }
    return classes[index]!;
  }

  /** A label found under a label key: a string, a class index (named when `classes` is given), or a one-element tensor of either. */
  function labelValue(value: unknown): unknown {
    if (typeof value === 'string') return value;
    const v = scalarOf(value);
    if (classes !== undefined) {
      const index = classIndex(v);
      if (index !== undefined) return className(index);
    }
    return typeof v === 'bigint' ? String(v) : v;
  }

  /** What an object or array holds besides the named keys: per-class numbers, named scores, a single tensor. */
  function reading(result: object): ClassReading | undefined {
    if (!readsScores) return undefined;
    const direct = numericOutput(result);
    if (direct !== undefined) return readClassScores(direct, classCount);
    if (Array.isArray(result)) return undefined;
    const r = result as Record<string, unknown>;
    for (const key of SCORE_KEYS) {
      const value = r[key];
      if (value === undefined) continue;
      const numeric = numericOutput(value);
      return numeric === undefined ? undefined : readClassScores(numeric, classCount);
    }
    return undefined;
  }

  /** The fallbacks of an object without known keys: named scores, or its only value when that is a tensor. */
  function fallback(r: Record<string, unknown>): { label: unknown; confidence: unknown } | undefined {
    if (!readsScores) return undefined;
    const keys = Object.keys(r);
    const named = namedScores(r, keys);
    if (named !== undefined) return named;
    if (keys.length !== 1) return undefined;
    const numeric = numericOutput(r[keys[0]!]);
    const found = numeric === undefined ? undefined : readClassScores(numeric, classCount);
    if (found === undefined) return undefined;
    return {
      label: indexLabel(found),
      confidence: found.confidence,
    };
  }

  function confidence(result: unknown): unknown {
    if (!isObject(result)) {
      return typeof result === 'number' && classCount === 2
        ? readClassScores({ data: [result], shape: undefined }, 2)?.confidence
        : undefined;
    }
    const r = result;
    // A plain number first: the common `{ label, confidence }` result costs one property read more than nothing.
    const own = r.confidence;
    if (own !== undefined) return typeof own === 'number' ? own : scalarOf(own);
    if (r.score !== undefined) return scalarOf(r.score);
    if (Array.isArray(result) && result.length > 0 && isObject(result[0]) && numericOutput(result[0]) === undefined) {
      return confidence(topItem(result));
    }
    const found = reading(result);
    if (found !== undefined) return found.confidence;
    return Array.isArray(result) || hasLabelKey(r) ? undefined : fallback(r)?.confidence;
  }

  function label(result: unknown): unknown {
    if (typeof result === 'string') return result;
    if (!isObject(result)) {
      if (classes === undefined) return undefined;
      const index = classIndex(result);
      if (index !== undefined) return className(index);
      return typeof result === 'number' && classCount === 2
        ? indexLabel(readClassScores({ data: [result], shape: undefined }, 2))
        : undefined;
    }
    const r = result;
    const own = r.label;
    if (typeof own === 'string') return own;
    if (own !== undefined) return labelValue(own);
    if (r.class !== undefined) return labelValue(r.class);
    if (r.prediction !== undefined) return labelValue(r.prediction);
    if (r.output_label !== undefined) return labelValue(r.output_label);
    if (Array.isArray(result) && result.length > 0 && isObject(result[0]) && numericOutput(result[0]) === undefined) {
      return label(topItem(result));
    }
    const found = reading(result);
    if (found !== undefined) return ownLabel(r, found) ?? indexLabel(found);
    return Array.isArray(result) || r.confidence !== undefined || r.score !== undefined
      ? undefined
      : fallback(r)?.label;
  }

  /** A class index read from numbers: named when `classes` is given, or its number when it is an argmax. */
  function indexLabel(found: ClassReading | undefined): string | undefined {
    if (found?.index === undefined) return undefined;
    if (found.argmax) return className(found.index, found.size);
    return classes === undefined ? undefined : className(found.index);
  }

  return { confidence, label };
}
