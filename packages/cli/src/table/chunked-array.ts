const CHUNK_BITS = 16;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;

/**
 * An append-only array of numbers in fixed typed-array chunks: 8 bytes a value for Float64, 4 for
 * Int32, outside the JavaScript heap, and no copying as it grows (a doubling array would need
 * twice its size at the moment it grows).
 */
export class ChunkedArray<T extends Float64Array | Int32Array> {
  private readonly chunks: T[] = [];
  length = 0;

  constructor(private readonly create: (size: number) => T) {}

  push(value: number): void {
    const offset = this.length & CHUNK_MASK;
    if (offset === 0) this.chunks.push(this.create(CHUNK_SIZE));
    (this.chunks[this.chunks.length - 1] as T)[offset] = value;
    this.length++;
  }

  /** Appends `count` copies of `value`. */
  fill(value: number, count: number): void {
    for (let i = 0; i < count; i++) this.push(value);
  }

  get(index: number): number {
    return (this.chunks[index >>> CHUNK_BITS] as T)[index & CHUNK_MASK] as number;
  }
}

/** A {@link ChunkedArray} of doubles. */
export const float64Array = (): ChunkedArray<Float64Array> => new ChunkedArray((n) => new Float64Array(n));
/** A {@link ChunkedArray} of 32-bit integers. */
export const int32Array = (): ChunkedArray<Int32Array> => new ChunkedArray((n) => new Int32Array(n));
