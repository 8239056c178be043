import type { Attributes } from '@opentelemetry/api';
import type { FeatureProfile, FeatureType } from '../profile/profile-types';
import { ATTR_ML_DRIFT_BIN, ATTR_ML_DRIFT_METHOD, ATTR_ML_FEATURE_NAME, ATTR_REASON } from '../semconv';
import { chiSquareOfCounts } from '../stats/chi-square';
import { jensenShannonOfCounts } from '../stats/jensen-shannon';
import { psiOfCounts } from '../stats/psi';
import { crosses, type MonitorConfig } from './monitor-config';
import type { DriftMethod, DriftScoreName } from './monitor-types';

/** Reasons a value is invalid (the `reason` label of `ml_data_invalid_total`). */
export type InvalidReason = 'type' | 'out_of_range' | 'unseen_category';

/**
 * What the monitor keeps for one feature: a ring buffer of the most recent values (in the
 * subclass's typed array), cumulative counters, and everything precomputed for collection
 * (attribute sets, reference proportions). `observe` only writes numbers into typed arrays.
 */
export abstract class FeatureState {
  readonly type: FeatureType;
  readonly name: string;
  readonly role: 'input' | 'output';
  /** Labels model, version and feature: window samples, missing, detected. */
  readonly attributes: Attributes;
  readonly binAttributes: readonly Attributes[];
  readonly invalidReasons: readonly InvalidReason[];
  readonly invalidAttributes: readonly Attributes[];
  readonly scoreNames: readonly DriftScoreName[];
  readonly scoreAttributes: readonly Attributes[];
  readonly reference: Float64Array;
  readonly binTotals: Float64Array;
  /** Bin counts of the window, as of the last {@link refresh}. */
  readonly windowCounts: Float64Array;
  readonly scores: Float64Array;
  missing = 0;
  invalidType = 0;
  invalidRange = 0;
  unseen = 0;
  ready = false;
  driftedBy: DriftScoreName[] = [];
  protected head = 0;
  protected size = 0;
  protected readonly capacity: number;
  private readonly times: Float64Array | undefined;
  private readonly windowMs: number | undefined;
  private version = 0;
  private computedVersion = -1;

  constructor(
    profile: FeatureProfile,
    role: 'input' | 'output',
    methods: readonly DriftMethod[],
    config: MonitorConfig,
    modelAttributes: Attributes,
    invalidReasons: readonly InvalidReason[],
  ) {
    this.type = profile.type;
    this.name = profile.name;
    this.role = role;
    this.capacity = config.windowSize;
    this.windowMs = config.windowMs;
    this.times = config.windowMs === undefined ? undefined : new Float64Array(config.windowSize);
    this.attributes = { ...modelAttributes, [ATTR_ML_FEATURE_NAME]: profile.name };
    const bins = profile.proportions.length;
    // Renormalised so that the exported reference ratios sum to exactly what psi() divides by.
    const total = profile.proportions.reduce((sum, p) => sum + p, 0);
    this.reference = Float64Array.from(profile.proportions, (p) => p / total);
    this.binTotals = new Float64Array(bins);
    this.windowCounts = new Float64Array(bins);
    this.binAttributes = Array.from({ length: bins }, (_, i) => ({
      ...this.attributes,
      [ATTR_ML_DRIFT_BIN]: String(i),
    }));
    this.invalidReasons = invalidReasons;
    this.invalidAttributes = invalidReasons.map((reason) => ({ ...this.attributes, [ATTR_REASON]: reason }));
    this.scoreNames = methods.flatMap((m): DriftScoreName[] => (m === 'ks' ? ['ks', 'ks_p_value'] : [m]));
    this.scoreAttributes = this.scoreNames.map((m) => ({ ...this.attributes, [ATTR_ML_DRIFT_METHOD]: m }));
    this.scores = new Float64Array(this.scoreNames.length).fill(Number.NaN);
  }

  /** Counts one value; never throws for any input. */
  abstract observe(value: unknown, now: number): void;

  /** Fills {@link windowCounts} and {@link scores} from the `n` values in the window. */
  protected abstract computeScores(n: number, scratch: Float64Array): void;

  /** The scores computed from the window's bin counts alone; NaN for the sample-based ones. */
  protected binScore(name: DriftScoreName, n: number): number {
    switch (name) {
      case 'psi':
        return psiOfCounts(this.reference, 1, this.windowCounts, n);
      case 'jensen_shannon':
        return jensenShannonOfCounts(this.reference, 1, this.windowCounts, n);
      case 'chi2':
        return chiSquareOfCounts(this.reference, 1, this.windowCounts, n).pValue;
      default:
        return Number.NaN;
    }
  }

  /** Human-readable content of each bin, for reports. */
  abstract binDescriptions(): string[];

  /** Claims the next slot of the ring buffer. */
  protected advance(now: number): number {
    const slot = this.head;
    this.head = slot + 1 === this.capacity ? 0 : slot + 1;
    if (this.size < this.capacity) this.size++;
    if (this.times !== undefined) this.times[slot] = now;
    this.version++;
    return slot;
  }

  /** Index of the oldest value in the ring buffer. */
  protected oldest(): number {
    const start = this.head - this.size;
    return start < 0 ? start + this.capacity : start;
  }

  invalidCount(reason: InvalidReason): number {
    return reason === 'type' ? this.invalidType : reason === 'out_of_range' ? this.invalidRange : this.unseen;
  }

  /** Drops values older than the time window, if there is one. */
  private evict(now: number): void {
    if (this.times === undefined || this.windowMs === undefined) return;
    const cutoff = now - this.windowMs;
    let index = this.oldest();
    while (this.size > 0 && (this.times[index] as number) < cutoff) {
      this.size--;
      this.version++;
      index = index + 1 === this.capacity ? 0 : index + 1;
    }
  }

  windowSamples(): number {
    return this.size;
  }

  /** Recomputes scores if the window changed since the last call. */
  refresh(now: number, config: MonitorConfig, scratch: Float64Array): void {
    this.evict(now);
    if (this.version === this.computedVersion) return;
    this.computedVersion = this.version;
    const n = this.size;
    this.ready = n >= config.minSamples;
    this.windowCounts.fill(0);
    this.scores.fill(Number.NaN);
    this.driftedBy = [];
    if (n === 0) return;
    this.computeScores(n, scratch);
    if (!this.ready) {
      this.scores.fill(Number.NaN);
      return;
    }
    for (let i = 0; i < this.scoreNames.length; i++) {
      const name = this.scoreNames[i] as DriftScoreName;
      const threshold = config.thresholds.get(name);
      if (threshold !== undefined && crosses(name, this.scores[i] as number, threshold)) this.driftedBy.push(name);
    }
  }
}
