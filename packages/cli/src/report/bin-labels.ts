import type { FeatureProfile } from '@modelsight/drift';

/** `x` with `digits` significant digits, without trailing zeros; very large and small numbers in exponent form. */
export function compactNumber(x: number, digits: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1e6 || abs < 1e-4) return x.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, 'e');
  return String(Number(x.toPrecision(digits)));
}

/** The edges, each with as few significant digits (at least 3) as keep neighbours apart. */
function distinctEdgeLabels(edges: readonly number[]): string[] {
  for (let digits = 3; digits < 17; digits++) {
    const labels = edges.map((e) => compactNumber(e, digits));
    if (labels.every((label, i) => i === 0 || label !== labels[i - 1])) return labels;
  }
  return edges.map(String);
}

/**
 * Short labels of a feature's bins for charts: `< 4.3`, `4.3 – 5.1`, `≥ 7.9` for a numeric
 * feature, the categories and `other` for a categorical one. Exact edges are in the bins'
 * descriptions.
 */
export function binLabels(feature: FeatureProfile): string[] {
  if (feature.type === 'categorical') return [...feature.categories, 'other'];
  const e = distinctEdgeLabels(feature.edges);
  const last = e.length - 1;
  return Array.from({ length: e.length + 1 }, (_, i) =>
    i === 0 ? `< ${e[0]}` : i === e.length ? `≥ ${e[last]}` : `${e[i - 1]} – ${e[i]}`,
  );
}
