import type { Attributes } from '@opentelemetry/api';
import type { CategoricalFeatureProfile } from '../profile/profile-types';
import { FeatureState } from './feature-state';
import type { MonitorConfig } from './monitor-config';

/** Up to this many categories, a string is compared with each before the Map is asked. */
const LINEAR_SCAN_MAX_CATEGORIES = 8;

/** `"12"` → 12 when the string is exactly how JavaScript prints that number. */
function numericAlias(category: string): number | undefined {
  const n = Number(category);
  return category !== '' && Number.isFinite(n) && String(n) === category ? n : undefined;
}

/**
 * A categorical feature: each value is looked up once in a Map of the profile's categories (and
 * their number / boolean spellings, so `3` and `true` need no string conversion); anything else is
 * an unseen category and goes to the "other" bin. The window is a ring of bin indices.
 */
export class CategoricalFeatureState extends FeatureState {
  private readonly index = new Map<unknown, number>();
  private readonly otherBin: number;
  private readonly longest: number;
  private readonly categories: readonly string[];
  private readonly bins: Uint16Array;
  /** The categories compared one by one before the Map lookup: empty when there are many. */
  private readonly top: readonly string[];

  constructor(profile: CategoricalFeatureProfile, role: 'input' | 'output', config: MonitorConfig, model: Attributes) {
    super(profile, role, config.categoricalMethods, config, model, ['type', 'unseen_category']);
    this.categories = profile.categories;
    this.otherBin = profile.categories.length;
    let longest = 0;
    const add = (category: string, bin: number): void => {
      if (this.index.has(category)) return;
      this.index.set(category, bin);
      longest = Math.max(longest, category.length);
      const number = numericAlias(category);
      if (number !== undefined && !this.index.has(number)) this.index.set(number, bin);
      if (category === 'true' || category === 'false') this.index.set(category === 'true', bin);
    };
    profile.categories.forEach((category, bin) => {
      add(category, bin);
    });
    for (const category of profile.otherCategories) add(category, this.otherBin);
    this.longest = longest;
    this.top = profile.categories.length <= LINEAR_SCAN_MAX_CATEGORIES ? [...profile.categories] : [];
    this.bins = new Uint16Array(config.windowSize);
  }

  observe(value: unknown, now: number): void {
    let bin: number | undefined;
    switch (typeof value) {
      case 'string': {
        // A string longer than every category cannot be one: skip hashing it.
        if (value.length > this.longest) break;
        // A few categories are found faster by comparing than by hashing (measured: 5 ns against 15 ns).
        const top = this.top;
        for (let i = 0; i < top.length; i++) {
          if (top[i] === value) {
            bin = i;
            break;
          }
        }
        if (bin === undefined) bin = this.index.get(value);
        break;
      }
      case 'number':
        // value - value is 0 for finite numbers, NaN for NaN and ±Infinity (no category, as in buildProfile).
        if (value - value !== 0) {
          if (Number.isNaN(value)) this.missing++;
          else this.invalidType++;
          return;
        }
        bin = this.index.get(value);
        break;
      case 'boolean':
        bin = this.index.get(value);
        break;
      case 'undefined':
        this.missing++;
        return;
      default:
        if (value === null) this.missing++;
        else this.invalidType++;
        return;
    }
    if (bin === undefined) {
      this.unseen++;
      bin = this.otherBin;
    }
    this.binTotals[bin]! += 1;
    this.bins[this.advance(now)] = bin;
  }

  protected computeScores(n: number): void {
    let index = this.oldest();
    for (let i = 0; i < n; i++) {
      this.windowCounts[this.bins[index]!]! += 1;
      index = index + 1 === this.capacity ? 0 : index + 1;
    }
    for (let i = 0; i < this.scoreNames.length; i++) this.scores[i] = this.binScore(this.scoreNames[i]!, n);
  }

  binDescriptions(): string[] {
    return [...this.categories, 'other'];
  }
}
