import type { Attributes } from '@opentelemetry/api';
import { binIndex } from '../bins';
import type { NumericFeatureProfile } from '../profile/profile-types';
import { ksOfSorted } from '../stats/ks';
import { MIN_REFERENCE_STD, wassersteinOfSorted } from '../stats/wasserstein';
import { FeatureState } from './feature-state';
import type { MonitorConfig } from './monitor-config';

/** Up to this many edges, bins are found by a linear count; above, by binary search. */
const LINEAR_SCAN_MAX_EDGES = 16;

/** A numeric feature: values in a Float64Array ring, binned by binary search over the profile's edges. */
export class NumericFeatureState extends FeatureState {
  private readonly edges: Float64Array;
  private readonly sample: Float64Array;
  private readonly min: number;
  private readonly max: number;
  private readonly referenceStd: number;
  private readonly values: Float64Array;

  constructor(profile: NumericFeatureProfile, role: 'input' | 'output', config: MonitorConfig, model: Attributes) {
    super(profile, role, config.numericMethods, config, model, ['type', 'out_of_range']);
    this.edges = Float64Array.from(profile.edges);
    this.sample = Float64Array.from(profile.sample).sort();
    this.min = profile.min;
    this.max = profile.max;
    this.referenceStd = profile.std;
    this.values = new Float64Array(config.windowSize);
  }

  observe(value: unknown, now: number): void {
    if (typeof value === 'number') {
      // value - value is 0 for finite numbers, NaN for NaN and ±Infinity.
      if (value - value !== 0) {
        if (Number.isNaN(value)) this.missing++;
        else this.invalidRange++;
        return;
      }
      const edges = this.edges;
      let bin: number;
      if (edges.length <= LINEAR_SCAN_MAX_EDGES) {
        // Counting the edges <= value without branches beats a binary search on a dozen edges
        // (measured: about 12 ns against 30 ns per value with random data: no mispredictions).
        bin = 0;
        for (let j = 0; j < edges.length; j++) bin += +(edges[j]! <= value);
      } else {
        bin = binIndex(edges, value);
      }
      this.binTotals[bin]! += 1;
      if (value < this.min || value > this.max) this.invalidRange++;
      this.values[this.advance(now)] = value;
    } else if (value === undefined || value === null) {
      this.missing++;
    } else {
      this.invalidType++;
    }
  }

  protected computeScores(n: number, scratch: Float64Array): void {
    const sorted = scratch.subarray(0, n);
    let index = this.oldest();
    for (let i = 0; i < n; i++) {
      sorted[i] = this.values[index] as number;
      index = index + 1 === this.capacity ? 0 : index + 1;
    }
    sorted.sort();
    // Both are sorted: walk the edges once instead of a binary search per value.
    const edges = this.edges;
    let bin = 0;
    for (let i = 0; i < n; i++) {
      const v = sorted[i] as number;
      while (bin < edges.length && (edges[bin] as number) <= v) bin++;
      this.windowCounts[bin]! += 1;
    }
    for (let i = 0; i < this.scoreNames.length; i++) {
      switch (this.scoreNames[i]) {
        case 'ks': {
          const result = ksOfSorted(this.sample, sorted);
          this.scores[i] = result.statistic;
          if (this.scoreNames[i + 1] === 'ks_p_value') this.scores[i + 1] = result.pValue;
          break;
        }
        case 'wasserstein':
          this.scores[i] = wassersteinOfSorted(this.sample, sorted) / Math.max(this.referenceStd, MIN_REFERENCE_STD);
          break;
        case 'ks_p_value':
          break; // Set with `ks`.
        default:
          this.scores[i] = this.binScore(this.scoreNames[i]!, n);
      }
    }
  }

  binDescriptions(): string[] {
    const e = this.edges;
    const last = e.length - 1;
    return Array.from({ length: e.length + 1 }, (_, i) =>
      i === 0 ? `< ${e[0]}` : i === e.length ? `>= ${e[last]}` : `[${e[i - 1]}, ${e[i]})`,
    );
  }
}
