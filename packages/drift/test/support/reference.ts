import { buildProfile, type DriftProfile } from '../../src/index';
import { normalGenerator, uniformGenerator } from '@modelsight/test-support';

/** A reference row: numeric `x` ~ N(0, 1), categorical `c` (a 50%, b 30%, c 20%), and the model's outputs. */
export interface Row {
  x: number;
  c: string;
}

export function rowSource(seed: number, shift = 0) {
  const normal = normalGenerator(seed);
  const uniform = uniformGenerator(seed + 1);
  return (): Row => {
    const u = uniform();
    return { x: normal() + shift, c: u < 0.5 ? 'a' : u < 0.8 ? 'b' : 'c' };
  };
}

let cached: DriftProfile | undefined;

/** Profile of 5000 reference rows, with outputs `prediction.label` and `prediction.confidence`. */
export function referenceProfile(): DriftProfile {
  if (cached) return cached;
  const next = rowSource(1);
  const uniform = uniformGenerator(99);
  const rows = Array.from({ length: 5000 }, () => {
    const row = next();
    return { ...row, 'prediction.label': row.x > 0 ? 'pos' : 'neg', 'prediction.confidence': 0.5 + uniform() / 2 };
  });
  cached = buildProfile(rows);
  return cached;
}
