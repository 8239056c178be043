/**
 * A quantile of the most recent durations of one version (the primary's p95), recomputed every
 * `every` records from a ring of the last `size` ones: a few microseconds per recomputation, nothing
 * per call but a store.
 */
export class LatencyQuantile {
  private readonly ring: Float64Array;
  /** Scratch space for the selection. */
  private readonly sorted: Float64Array;
  private count = 0;
  private sinceUpdate = 0;
  /** The quantile, or `undefined` before `minSamples` durations were seen. */
  value: number | undefined;

  constructor(
    readonly quantile: number,
    readonly minSamples: number,
    size = 512,
    private readonly every = 64,
  ) {
    this.ring = new Float64Array(size);
    this.sorted = new Float64Array(size);
  }

  record(seconds: number): void {
    this.ring[this.count % this.ring.length] = seconds;
    this.count++;
    if (++this.sinceUpdate >= this.every && this.count >= this.minSamples) this.update();
    else if (this.value === undefined && this.count >= this.minSamples) this.update();
  }

  private update(): void {
    this.sinceUpdate = 0;
    const n = Math.min(this.count, this.ring.length);
    const values = this.sorted;
    values.set(this.ring.subarray(0, n));
    this.value = select(values, n, Math.min(n - 1, Math.floor(this.quantile * n)));
  }
}

/** The k-th smallest of the first n values (Hoare's quickselect, in place): linear time, no sort. */
function select(values: Float64Array, n: number, k: number): number {
  let left = 0;
  let right = n - 1;
  while (left < right) {
    const pivot = values[(left + right) >>> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return values[k]!;
}
