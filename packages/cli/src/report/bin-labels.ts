import type { FeatureProfile } from '@modelsight/drift';

/** `x` with `digits` significant digits, without trailing zeros; very large and small numbers in exponent form. */
export function compactNumber(x: number, digits: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1e6 || abs < 1e-4) return x.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, 'e');
  return String(Number(x.toPrecision(digits)));
}

/** Each edge with as few significant digits (at least 3) as tell it from its neighbours. */
function edgeLabels(edges: readonly number[]): string[] {
  return edges.map((edge, i) => {
    const neighbours = [edges[i - 1], edges[i + 1]].filter((n): n is number => n !== undefined && n !== edge);
    for (let digits = 3; digits < 17; digits++) {
      const label = compactNumber(edge, digits);
      if (neighbours.every((n) => compactNumber(n, digits) !== label)) return label;
    }
    return String(edge);
  });
}

/**
 * Short labels of a feature's bins for charts: `< 4.3`, `4.3 – 5.1`, `≥ 7.9` for a numeric
 * feature, the categories and `other` for a categorical one. Exact edges are in the bins'
 * descriptions.
 */
export function binLabels(feature: FeatureProfile): string[] {
  if (feature.type === 'categorical') return [...feature.categories, 'other'];
  if (feature.edges.every(isHalfInteger)) return integerBinLabels(feature.edges);
  // A profile whose last edge is the double just above the maximum (a constant feature, or a profile
  // built with edges on reference values) keeps the maximum in the last inner bin: shown as the
  // maximum, the last bin reads "> max".
  const edges = [...feature.edges];
  const last = edges.length - 1;
  const aboveMax = edges[last]! > feature.max && Number(edges[last]!.toPrecision(15)) === feature.max;
  if (aboveMax) edges[last] = feature.max;
  const e = edgeLabels(edges);
  return Array.from({ length: e.length + 1 }, (_, i) => {
    if (i === 0) return `< ${e[0]}`;
    if (i === e.length) return `${aboveMax ? '>' : '≥'} ${e[last]}`;
    return e[i - 1] === e[i] ? `${e[i]}` : `${e[i - 1]} – ${e[i]}`;
  });
}

/** `x` is `k + 0.5` for an integer `k`: an edge halfway between two integers. */
function isHalfInteger(x: number): boolean {
  return Number.isInteger(x - 0.5) && Math.abs(x) < Number.MAX_SAFE_INTEGER;
}

/**
 * Integer-valued features (counts, ratings, codes) get edges halfway between integers: each bin is
 * named by the integers it holds (`3`, `4 – 6`), the open ones as `< 0` and `> 5`.
 */
function integerBinLabels(edges: readonly number[]): string[] {
  const last = edges.length - 1;
  return Array.from({ length: edges.length + 1 }, (_, i) => {
    if (i === 0) return `< ${edges[0]! + 0.5}`;
    if (i === edges.length) return `> ${edges[last]! - 0.5}`;
    const [from, to] = [edges[i - 1]! + 0.5, edges[i]! - 0.5];
    return from === to ? `${from}` : `${from} – ${to}`;
  });
}
