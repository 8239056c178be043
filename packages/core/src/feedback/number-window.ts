/** The most recent `size` numbers, in a fixed buffer allocated once. */
export class NumberWindow {
  private readonly values: Float64Array;
  private next = 0;
  /** How many numbers the window holds, at most its size. */
  count = 0;

  constructor(size: number) {
    this.values = new Float64Array(size);
  }

  push(value: number): void {
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.values.length;
    if (this.count < this.values.length) this.count++;
  }

  /** Mean of the numbers held; NaN when empty. */
  mean(): number {
    let sum = 0;
    for (let i = 0; i < this.count; i++) sum += this.values[i]!;
    return sum / this.count;
  }

  /** Mean absolute value and root mean square of the numbers held (NaN when empty). */
  errorSummary(): { mae: number; rmse: number } {
    let absolute = 0;
    let squared = 0;
    for (let i = 0; i < this.count; i++) {
      const value = this.values[i]!;
      absolute += Math.abs(value);
      squared += value * value;
    }
    return { mae: absolute / this.count, rmse: Math.sqrt(squared / this.count) };
  }
}
