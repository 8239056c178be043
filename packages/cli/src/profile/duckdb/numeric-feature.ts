import { halfway, type NumericFeatureProfile, nextUp } from '@modelsight/drift';
import type { OrderStatistics, RankRequests, ValueGroup } from './order-statistics';

/** Counts of a column's cells that `buildProfile` does not bin. */
export interface NumericCounts {
  readonly missing: number;
  readonly invalid: number;
  readonly rows: number;
}

/** Settings of one numeric feature. */
export interface NumericSettings {
  readonly bins: number;
  readonly sampleSize: number;
  readonly edges?: readonly number[];
}

/** The ranks of the sample `buildProfile` keeps: every value when they are few, else evenly spaced order statistics. */
function sampleRanks(n: number, sampleSize: number): number[] {
  if (n <= sampleSize) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: sampleSize }, (_, i) => Math.floor(((i + 0.5) * n) / sampleSize));
}

/** The target counts `i·n/bins` of the inner edges of `binEdges` of `@modelsight/drift`. */
const targets = (n: number, bins: number): number[] => Array.from({ length: bins - 1 }, (_, j) => ((j + 1) * n) / bins);

/**
 * The order statistics a numeric feature of `n` finite values needs: the sample, and the groups of equal
 * values holding the first and last rank (the outer edges) and each target rank of an inner edge.
 */
export function numericRequests(n: number, settings: NumericSettings): RankRequests {
  const ends = [0, n - 1];
  return {
    values: sampleRanks(n, settings.sampleSize),
    groups: settings.edges ? ends : [...ends, ...targets(n, settings.bins).map((t) => Math.floor(t))],
  };
}

/**
 * The boundaries `binEdges` of `@modelsight/drift` picks for the inner edges: for each target count
 * `i·n/bins`, the boundary between two groups of equal values nearest to it (the lower of two equally near);
 * a boundary at or below the one before is skipped. Each comes with the values on either side of it.
 */
function innerBoundaries(
  stats: OrderStatistics,
  n: number,
  bins: number,
): { rank: number; below: number; above: number }[] {
  const chosen: { rank: number; below: number; above: number }[] = [];
  let previous = 0;
  for (const t of targets(n, bins)) {
    const group = stats.groups.get(Math.floor(t)) as ValueGroup;
    // The boundaries nearest to t are the start of the group holding position floor(t) (the last boundary at
    // or below t) and its end (the first above t).
    const lower = group.start >= 1 ? group.start : group.end;
    const upper = group.end < n ? group.end : group.start;
    const rank = t - lower <= upper - t ? lower : upper;
    if (rank <= previous) continue;
    previous = rank;
    chosen.push(
      rank === group.start
        ? { rank, below: group.before as number, above: group.value }
        : { rank, below: group.value, above: group.after as number },
    );
  }
  return chosen;
}

/**
 * `binEdges` of `@modelsight/drift` from order statistics, with the number of values below each edge.
 * Every inner edge lies in `(sorted[k−1], sorted[k]]` for its boundary k, so k values lie below it; the
 * lower edge lies at or below the minimum, the upper one at or above the maximum.
 */
function binEdgesOf(stats: OrderStatistics, n: number, bins: number): { edges: number[]; below: number[] } {
  const first = stats.groups.get(0) as ValueGroup;
  const last = stats.groups.get(n - 1) as ValueGroup;
  const min = first.value;
  const max = last.value;
  if (min === max) return { edges: [min, nextUp(max)], below: [0, n] };
  const secondValue = first.after as number;
  const secondToLast = last.before as number;
  const lower = halfway(min - (secondValue - min), min);
  const upper = halfway(max, max + (max - secondToLast));
  const inner = innerBoundaries(stats, n, bins);
  const upperEdge = Number.isFinite(upper) ? upper : nextUp(max);
  return {
    edges: [Number.isFinite(lower) ? lower : min, ...inner.map((b) => halfway(b.below, b.above)), upperEdge],
    below: [0, ...inner.map((b) => b.rank), upperEdge > max ? n : last.start],
  };
}

/**
 * The numeric feature `buildProfile` of `@modelsight/drift` builds from `n` finite values, from their order
 * statistics ({@link numericRequests}): the same edges, bin counts and proportions, sample, minimum and
 * maximum; the mean and standard deviation as DuckDB sums them, equal to the last digits. `valuesBelow`
 * counts the values below each explicit edge, when the edges are given.
 */
export function numericFeature(
  name: string,
  summary: { readonly n: number; readonly mean: number; readonly std: number },
  stats: OrderStatistics,
  counts: NumericCounts,
  settings: NumericSettings,
  valuesBelow?: readonly number[],
): NumericFeatureProfile {
  const n = summary.n;
  const computed = settings.edges ? undefined : binEdgesOf(stats, n, settings.bins);
  const edges = settings.edges ? [...settings.edges] : (computed?.edges as number[]);
  const below = computed?.below ?? (valuesBelow as readonly number[]);
  // Bin i holds the values with i edges at or below them (binIndex of @modelsight/drift).
  const binCounts = [...below, n].map((c, i) => c - (i === 0 ? 0 : (below[i - 1] as number)));
  return {
    name,
    type: 'numeric',
    count: n,
    missing: counts.missing,
    invalid: counts.invalid,
    missingRate: counts.rows === 0 ? 0 : counts.missing / counts.rows,
    mean: summary.mean,
    std: summary.std,
    min: stats.values.get(0) as number,
    max: stats.values.get(n - 1) as number,
    edges,
    proportions: binCounts.map((c) => c / n),
    sample: sampleRanks(n, settings.sampleSize).map((rank) => stats.values.get(rank) as number),
  };
}
