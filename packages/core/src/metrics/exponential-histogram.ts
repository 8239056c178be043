/**
 * A cumulative base-2 exponential histogram of non-negative values, updated in place: the
 * OpenTelemetry "exponential bucket histogram" aggregation
 * (https://opentelemetry.io/docs/specs/otel/metrics/data-model/#exponentialhistogram). Bucket
 * `index` at `scale` holds the values in (base^index, base^(index+1)] with base = 2^(2^-scale). It
 * starts at the finest scale and halves its resolution whenever the values recorded so far would
 * need more than `maxSize` buckets, so that it resolves microseconds and seconds alike without
 * bounds chosen in advance. Values are durations here: negative, NaN and infinite ones are ignored.
 */
export class ExponentialHistogram {
  scale = MAX_SCALE;
  zeroCount = 0;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  /** Counts of buckets `offset`, `offset + 1`, … */
  private counts: number[] = [];
  private offset = 0;

  /**
   * @param maxSize most buckets kept (160, the SDK's default)
   * @param startTimeMs when counting started, the start time of the cumulative series
   */
  constructor(
    readonly maxSize = DEFAULT_MAX_SIZE,
    readonly startTimeMs = Date.now(),
  ) {}

  record(value: number): void {
    if (!(value >= 0) || value === Infinity) return;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value === 0) {
      this.zeroCount++;
      return;
    }
    let index = indexOf(Math.max(value, MIN_NORMAL), this.scale);
    const counts = this.counts;
    if (counts.length === 0) {
      this.offset = index;
      counts.push(1);
      return;
    }
    const low = Math.min(this.offset, index);
    const high = Math.max(this.offset + counts.length - 1, index);
    if (high - low + 1 > this.maxSize) {
      let change = 1;
      while ((high >> change) - (low >> change) + 1 > this.maxSize) change++;
      this.downscale(change);
      index = indexOf(Math.max(value, MIN_NORMAL), this.scale);
    }
    this.add(index);
  }

  /** The data point value the OpenTelemetry SDK exports for this aggregation (positive values only). */
  snapshot() {
    return {
      count: this.count,
      sum: this.sum,
      scale: this.scale,
      zeroCount: this.zeroCount,
      positive: { offset: this.counts.length === 0 ? 0 : this.offset, bucketCounts: this.counts.slice() },
      negative: { offset: 0, bucketCounts: [] as number[] },
      ...(this.count > 0 ? { min: this.min, max: this.max } : {}),
    };
  }

  private add(index: number): void {
    const counts = this.counts;
    if (index < this.offset) {
      const missing = this.offset - index;
      counts.unshift(...new Array<number>(missing).fill(0));
      this.offset = index;
    } else {
      while (index >= this.offset + counts.length) counts.push(0);
    }
    counts[index - this.offset]!++;
  }

  /** Merges each 2^change adjacent buckets into one: the scale drops by `change`. */
  private downscale(change: number): void {
    const offset = this.offset >> change;
    const merged: number[] = [];
    for (let i = 0; i < this.counts.length; i++) {
      const target = ((this.offset + i) >> change) - offset;
      merged[target] = (merged[target] ?? 0) + this.counts[i]!;
    }
    this.counts = merged;
    this.offset = offset;
    this.scale -= change;
  }
}

/** The finest scale of the specification: 2^20 buckets per power of two. */
const MAX_SCALE = 20;
const DEFAULT_MAX_SIZE = 160;
const MIN_NORMAL = 2.2250738585072014e-308;

const view = new DataView(new ArrayBuffer(8));

/**
 * Bucket index of a positive normal `value` at `scale`: ⌈log_base(value)⌉ − 1, exact for powers of two
 * (which are the inclusive upper bounds of their buckets), as the SDK's LogarithmMapping and
 * ExponentMapping compute it.
 */
export function indexOf(value: number, scale: number): number {
  view.setFloat64(0, value);
  const high = view.getUint32(0);
  const exponent = ((high >>> 20) & 0x7ff) - 1023;
  const powerOfTwo = (high & 0xfffff) === 0 && view.getUint32(4) === 0;
  if (scale <= 0) return (exponent - (powerOfTwo ? 1 : 0)) >> -scale;
  if (powerOfTwo) return (exponent << scale) - 1;
  return Math.floor(Math.log(value) * Math.LOG2E * 2 ** scale);
}
