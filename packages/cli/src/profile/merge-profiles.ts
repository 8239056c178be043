import {
  binEdges,
  binIndex,
  buildProfile,
  type CategoricalFeatureProfile,
  type DriftProfile,
  type FeatureProfile,
  type NumericFeatureProfile,
} from '@modelsight/drift';
import { InputError } from '../input/input-error';

/** Settings of a merge: those the partitions were built with. */
export interface MergeOptions {
  /** Quantile bins of a numeric feature whose partitions have different edges (`--bins`). @default 10 */
  readonly bins?: number;
  /** Sample kept per numeric feature (`--sample-size`). @default 1000 */
  readonly sampleSize?: number;
}

/** A merged profile, and what in it is an estimate rather than exact. */
export interface MergedProfile {
  readonly profile: DriftProfile;
  /** One remark per estimate: a feature whose partitions had different bin edges, a category counted in part only. */
  readonly estimates: readonly string[];
}

/** The most categories a profile names besides its top K (`maxOtherCategories` of `buildProfile`). */
const MAX_OTHER_CATEGORIES = 1000;

/** A count stored as a proportion of `total`, back as the whole number it was. */
const countOf = (proportion: number, total: number): number => Math.round(proportion * total);

/** The sample of `buildProfile` (evenly spaced order statistics) of the values the weighted samples stand for. */
function pooledSample(features: readonly NumericFeatureProfile[], size: number): number[] {
  const weighted = features
    .flatMap((f) => f.sample.map((value) => ({ value, weight: f.count / f.sample.length })))
    .sort((a, b) => a.value - b.value);
  const total = features.reduce((s, f) => s + f.count, 0);
  const sample: number[] = [];
  let index = 0;
  let below = 0;
  for (let i = 0; i < size; i++) {
    const position = ((i + 0.5) * total) / size;
    while (index < weighted.length - 1 && below + (weighted[index] as { weight: number }).weight <= position) {
      below += (weighted[index] as { weight: number }).weight;
      index++;
    }
    sample.push((weighted[index] as { value: number }).value);
  }
  return sample;
}

/**
 * One partition's bin counts carried over to other edges: the values of each of its bins are spread over the
 * new bins as its sample spreads there (the bin's own midpoint when its sample has no value in it).
 */
function rebin(feature: NumericFeatureProfile, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  feature.proportions.forEach((proportion, bin) => {
    const mass = proportion * feature.count;
    if (mass === 0) return;
    const inside = feature.sample.filter((v) => binIndex(feature.edges, v) === bin);
    if (inside.length > 0) {
      for (const v of inside) counts[binIndex(edges, v)]! += mass / inside.length;
      return;
    }
    const low = feature.edges[bin - 1] ?? feature.min;
    const high = feature.edges[bin] ?? feature.max;
    counts[binIndex(edges, (low + high) / 2)]! += mass;
  });
  return counts;
}

/** The values `buildProfile` keeps as the sample of sorted `values`: all of them when few, else evenly spaced ones. */
function sampleOf(values: readonly number[], size: number): number[] {
  const n = values.length;
  if (n <= size) return [...values];
  return Array.from({ length: size }, (_, i) => values[Math.floor(((i + 0.5) * n) / size)] as number);
}

function mergeNumeric(
  name: string,
  parts: readonly NumericFeatureProfile[],
  settings: Required<MergeOptions>,
  estimates: string[],
): NumericFeatureProfile {
  const n = parts.reduce((s, f) => s + f.count, 0);
  const mean = parts.reduce((s, f) => s + f.count * f.mean, 0) / n;
  const variance = parts.reduce((s, f) => s + f.count * (f.std ** 2 + (f.mean - mean) ** 2), 0) / n;
  // Partitions small enough that each profile kept all its values: the merge is the profile of all of them.
  const all = parts.every((f) => f.sample.length === f.count)
    ? parts.flatMap((f) => f.sample).sort((a, b) => a - b)
    : undefined;
  const first = parts[0] as NumericFeatureProfile;
  const sameEdges = parts.every(
    (f) => f.edges.length === first.edges.length && f.edges.every((edge, i) => edge === first.edges[i]),
  );
  let edges: number[];
  const counts = (length: number) => new Array<number>(length + 1).fill(0);
  let binned: number[];
  if (sameEdges) {
    edges = [...first.edges];
    binned = counts(edges.length);
    for (const f of parts)
      f.proportions.forEach((p, bin) => {
        binned[bin]! += countOf(p, f.count);
      });
  } else if (all !== undefined) {
    edges = binEdges(all, settings.bins);
    binned = counts(edges.length);
    for (const v of all) binned[binIndex(edges, v)]! += 1;
  } else {
    edges = binEdges(pooledSample(parts, settings.sampleSize), settings.bins);
    binned = counts(edges.length);
    for (const f of parts)
      rebin(f, edges).forEach((c, bin) => {
        binned[bin]! += c;
      });
    estimates.push(
      `${JSON.stringify(name)}: the partitions have different bin edges; the edges come from their samples and the bin shares are estimated`,
    );
  }
  return {
    name,
    type: 'numeric',
    count: n,
    missing: parts.reduce((s, f) => s + f.missing, 0),
    invalid: parts.reduce((s, f) => s + f.invalid, 0),
    missingRate: 0,
    mean,
    std: Math.sqrt(variance),
    min: Math.min(...parts.map((f) => f.min)),
    max: Math.max(...parts.map((f) => f.max)),
    edges,
    proportions: binned.map((c) => c / n),
    sample:
      all !== undefined ? sampleOf(all, settings.sampleSize) : pooledSample(parts, Math.min(settings.sampleSize, n)),
  };
}

function mergeCategorical(
  name: string,
  parts: readonly CategoricalFeatureProfile[],
  estimates: string[],
): CategoricalFeatureProfile {
  const n = parts.reduce((s, f) => s + f.count, 0);
  const known = new Map<string, number>();
  for (const f of parts) {
    f.categories.forEach((category, i) => {
      known.set(category, (known.get(category) ?? 0) + countOf(f.proportions[i] as number, f.count));
    });
  }
  const ranked = [...known.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const topK = Math.max(...parts.map((f) => f.categories.length));
  const top = ranked.slice(0, topK);
  // A kept category that another partition counted among its "other" categories: its count there is unknown.
  const partial = top
    .filter(([category]) => parts.some((f) => f.otherCategories?.includes(category)))
    .map(([category]) => category);
  if (partial.length > 0) {
    estimates.push(
      `${JSON.stringify(name)}: ${partial.map((c) => JSON.stringify(c)).join(', ')} ${partial.length === 1 ? 'is' : 'are'} among the other categories of some partitions, where ${partial.length === 1 ? 'its' : 'their'} count is not known (build them with a larger --top-k)`,
    );
  }
  const topCount = top.reduce((s, [, c]) => s + c, 0);
  const kept = new Set(top.map(([category]) => category));
  const others = [
    ...ranked.slice(topK).map(([category]) => category),
    ...parts.flatMap((f) => f.otherCategories ?? []),
  ].filter((category, i, all) => !kept.has(category) && all.indexOf(category) === i);
  return {
    name,
    type: 'categorical',
    count: n,
    missing: parts.reduce((s, f) => s + f.missing, 0),
    invalid: parts.reduce((s, f) => s + f.invalid, 0),
    missingRate: 0,
    categories: top.map(([category]) => category),
    proportions: [...top.map(([, c]) => c / n), (n - topCount) / n],
    otherCategories: others.slice(0, MAX_OTHER_CATEGORIES),
  };
}

/**
 * One profile from profiles built on partitions of the same data (files profiled apart, on several
 * machines): the profile `buildProfile` would give for all their rows where the partitions allow it.
 *
 * - Exact: rows, counts, missing and invalid counts, minimum, maximum, mean and standard deviation (pooled),
 *   and the bin shares of a numeric feature whose partitions have the same edges (built with `--edges`, or
 *   small enough that each profile kept all its values), and the categories each partition counted.
 * - Estimated, and said in `estimates`: the edges of a numeric feature whose partitions have different edges
 *   (from the partitions' samples, weighted by their counts: quantiles of the whole to about 1/sampleSize)
 *   and its bin shares; the count of a kept category that a partition lumped into its other categories.
 *
 * A feature absent from a partition counts as missing in all of that partition's rows, as a column absent
 * from some rows does in `buildProfile`.
 *
 * @throws InputError when no profile is given or a feature is numeric in one partition and categorical in another.
 */
export function mergeProfiles(profiles: readonly DriftProfile[], options: MergeOptions = {}): MergedProfile {
  if (profiles.length === 0) throw new InputError('give the profiles to merge');
  // buildProfile checks the settings as it checks its own options.
  buildProfile([], options);
  const settings = { bins: options.bins ?? 10, sampleSize: options.sampleSize ?? 1000 };
  const rows = profiles.reduce((s, p) => s + p.rows, 0);
  const names: string[] = [];
  for (const p of profiles) for (const f of p.features) if (!names.includes(f.name)) names.push(f.name);
  const estimates: string[] = [];
  const features = names.map((name): FeatureProfile => {
    const parts = profiles.flatMap((p) => p.features.filter((f) => f.name === name));
    const types = new Set(parts.map((f) => f.type));
    if (types.size > 1)
      throw new InputError(`feature ${JSON.stringify(name)} is numeric in one profile and categorical in another`);
    const absentRows = profiles.filter((p) => !p.features.some((f) => f.name === name)).reduce((s, p) => s + p.rows, 0);
    const merged =
      parts[0]?.type === 'numeric'
        ? mergeNumeric(name, parts as NumericFeatureProfile[], settings, estimates)
        : mergeCategorical(name, parts as CategoricalFeatureProfile[], estimates);
    const missing = merged.missing + absentRows;
    return { ...merged, missing, missingRate: rows === 0 ? 0 : missing / rows };
  });
  const empty = buildProfile([]);
  return { profile: { ...empty, rows, features }, estimates };
}
