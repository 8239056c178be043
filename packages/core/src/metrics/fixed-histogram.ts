/**
 * A cumulative histogram with fixed bounds, updated in place. Bounds are inclusive upper
 * bounds, as in OpenTelemetry's explicit-bucket histogram; the last bucket is unbounded.
 */
export class FixedHistogram {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  min = Infinity;
  max = -Infinity;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  record(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    // A linear scan beats a binary search for the dozen bounds used here.
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
}
