/**
 * Where confidence and label are found when no extractor is given, on the result shapes models
 * commonly return: `{ confidence }`, `{ score }`, `{ probabilities: number[] }` (the largest),
 * `{ label }`, `{ class }`, `{ prediction }`, or a bare string label. Values of the wrong type are
 * returned as they are, so that the caller can report them instead of silently dropping them.
 */

export function defaultConfidence(result: unknown): unknown {
  if (result === null || typeof result !== 'object') return undefined;
  const r = result as Record<string, unknown>;
  if (r.confidence !== undefined) return r.confidence;
  if (r.score !== undefined) return r.score;
  const probabilities = r.probabilities;
  if (Array.isArray(probabilities) && probabilities.length > 0) {
    let max = -Infinity;
    for (const p of probabilities) {
      if (typeof p !== 'number') return p;
      if (p > max || Number.isNaN(p)) max = p;
    }
    return max;
  }
  return undefined;
}

export function defaultLabel(result: unknown): unknown {
  if (typeof result === 'string') return result;
  if (result === null || typeof result !== 'object') return undefined;
  const r = result as Record<string, unknown>;
  if (r.label !== undefined) return r.label;
  if (r.class !== undefined) return r.class;
  if (r.prediction !== undefined) return r.prediction;
  return undefined;
}
