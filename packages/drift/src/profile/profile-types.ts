/** Marks a JSON document as a drift profile. */
export const PROFILE_FORMAT = 'modelsight.drift.profile';
/** The profile format version this package writes and reads. */
export const PROFILE_FORMAT_VERSION = 1;

/**
 * Most categories (bins besides "other") a categorical feature may keep: the limit of the `topK`
 * option, and of profiles read (the monitor stores a window's bins as 16-bit integers).
 */
export const MAX_CATEGORIES = 1000;

/** How a feature is compared: numbers by quantile bins and samples, anything else by category. */
export type FeatureType = 'numeric' | 'categorical';

interface FeatureProfileBase {
  /** Feature name, the key of the value in a row, and the `ml_feature_name` label. */
  readonly name: string;
  /** Reference values that were used (present and of the feature's type). */
  readonly count: number;
  /** Rows where the value was absent, `null`, `undefined` or `NaN`. */
  readonly missing: number;
  /** Rows where the value had the wrong type (an object for a number, …); not used. */
  readonly invalid: number;
  /** `missing / rows`. */
  readonly missingRate: number;
}

/**
 * A numeric feature. Bins follow {@link binIndex}: bin i holds the values with i edges <= value.
 * Built edges lie halfway between adjacent distinct reference values, at the value boundaries
 * nearest to the quantiles 1/b … (b-1)/b, plus one below the minimum and one above the maximum
 * (half the gap to the next distinct value out): bin 0 is "below the reference range", the last
 * bin "above it", and the bins between hold about 1/b of the reference each (fewer, larger bins
 * when values repeat). Profiles built by earlier versions, with edges at the quantiles themselves,
 * load and work unchanged.
 */
export interface NumericFeatureProfile extends FeatureProfileBase {
  /** A feature of numbers. */
  readonly type: 'numeric';
  /** Mean of the reference values. */
  readonly mean: number;
  /** Population standard deviation (ddof 0). */
  readonly std: number;
  /** Smallest reference value. */
  readonly min: number;
  /** Largest reference value. */
  readonly max: number;
  /** Ascending bin edges; `edges.length + 1` bins. */
  readonly edges: readonly number[];
  /** Share of the reference values in each bin; sums to 1. */
  readonly proportions: readonly number[];
  /** Ascending, evenly spaced order statistics of the reference (all of it when small), for KS and Wasserstein. */
  readonly sample: readonly number[];
}

/** A categorical feature: its most frequent categories, each a bin, and one last bin for the rest ("other"). */
export interface CategoricalFeatureProfile extends FeatureProfileBase {
  /** A feature of categories (strings, or numbers and booleans read as strings). */
  readonly type: 'categorical';
  /** The top-K categories, most frequent first. Numbers and booleans are kept as their strings. */
  readonly categories: readonly string[];
  /** Share of each category, then of "other"; `categories.length + 1` entries summing to 1. */
  readonly proportions: readonly number[];
  /** Categories merged into "other" (bounded list); seeing them live is not an unseen category. */
  readonly otherCategories: readonly string[];
}

/** Reference profile of one feature. */
export type FeatureProfile = NumericFeatureProfile | CategoricalFeatureProfile;

/** A reference profile: plain JSON, saved next to the model (see `saveProfile`, `loadProfile`). */
export interface DriftProfile {
  /** Always `modelsight.drift.profile`: what the file is. */
  readonly format: typeof PROFILE_FORMAT;
  /** The layout's version, `1`; a profile of another version is refused when loaded. */
  readonly formatVersion: typeof PROFILE_FORMAT_VERSION;
  /** ISO 8601 time the profile was built. */
  readonly createdAt: string;
  /** Number of reference rows. */
  readonly rows: number;
  /** One profile per feature, in the order they were profiled. */
  readonly features: readonly FeatureProfile[];
}

/** Options of `buildProfile`. */
export interface BuildProfileOptions {
  /** Features to profile, in this order. @default every key seen in the rows, in first-seen order */
  readonly features?: readonly string[];
  /**
   * Type per feature, overriding inference. Inferred: `numeric` when every present value is a
   * number, otherwise `categorical`.
   */
  readonly types?: Readonly<Record<string, FeatureType>>;
  /** Quantile bins inside the reference range of numeric features. @default 10 */
  readonly bins?: number;
  /**
   * Explicit ascending bin edges per numeric feature; they replace the quantile edges (and the
   * open bins: the bins are then exactly "below edges[0]", the intervals, "at or above the last").
   */
  readonly edges?: Readonly<Record<string, readonly number[]>>;
  /** Categories kept per categorical feature (at most 1000); the rest is "other". @default 20 */
  readonly topK?: number;
  /** Size of the stored sample of each numeric feature. @default 1000 */
  readonly sampleSize?: number;
  /** Longest list of categories remembered as merged into "other". @default 1000 */
  readonly maxOtherCategories?: number;
}
