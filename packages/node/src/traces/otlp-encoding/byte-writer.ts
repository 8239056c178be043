import type { BufferPool } from './buffer-pool';

/**
 * A growable byte buffer with the writes both OTLP encodings need, its memory taken from a
 * {@link BufferPool} and given back to it.
 */
export class ByteWriter {
  buffer: Buffer;
  pos = 0;
  private view: DataView;

  constructor(
    private readonly pool: BufferPool,
    initialSize: number,
  ) {
    this.buffer = pool.take(initialSize);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.length);
  }

  /** Room for `size` more bytes. */
  ensure(size: number): void {
    if (this.pos + size <= this.buffer.length) return;
    const old = this.buffer;
    const grown = this.pool.take(Math.max(old.length * 2, this.pos + size));
    old.copy(grown, 0, 0, this.pos);
    this.pool.give(old.buffer);
    this.buffer = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.length);
  }

  /**
   * What was written, in the writer's own buffer (not a slice of a shared one), which may be transferred to
   * another thread; the writer is not written to after.
   */
  take(): Uint8Array {
    return this.buffer.subarray(0, this.pos);
  }

  /** What was written, as a view, to copy elsewhere before {@link release}. */
  written(): Uint8Array {
    return this.buffer.subarray(0, this.pos);
  }

  /** Gives the buffer back to the pool; the writer is not used after. */
  release(): void {
    this.pool.give(this.buffer.buffer);
  }

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.pos++] = value;
  }

  bytes(value: Uint8Array): void {
    const length = value.length;
    this.ensure(length);
    const buffer = this.buffer;
    // A loop beats a call into the runtime for the short pieces (keys, tags) written most often.
    if (length < 32) {
      let pos = this.pos;
      for (let i = 0; i < length; i++) buffer[pos++] = value[i] as number;
      this.pos = pos;
    } else {
      buffer.set(value, this.pos);
      this.pos += length;
    }
  }

  /** A string known to hold only ASCII characters (digits, hex identifiers). */
  ascii(value: string): void {
    const length = value.length;
    this.ensure(length);
    const buffer = this.buffer;
    let pos = this.pos;
    for (let i = 0; i < length; i++) buffer[pos++] = value.charCodeAt(i);
    this.pos = pos;
  }

  /** A string as UTF-8, as `TextEncoder` writes it (a lone surrogate becomes U+FFFD). */
  utf8(value: string): void {
    const length = value.length;
    const start = this.pos;
    this.ensure(length * 3);
    const buffer = this.buffer;
    let pos = start;
    for (let i = 0; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code >= 0x80) {
        this.pos = start + buffer.write(value, start, 'utf8');
        return;
      }
      buffer[pos++] = code;
    }
    this.pos = pos;
  }

  /** A finite number as `String(value)` writes it, without making the string for the digits 0 to 9. */
  decimal(value: number): void {
    if (value === (value | 0) && value >= 0 && value < 10) this.byte(48 + value);
    else this.ascii(String(value));
  }

  /** An integer of at most 9 digits, left-padded with zeros to 9 (the nanoseconds of a timestamp). */
  nineDigits(value: number): void {
    this.ensure(9);
    const buffer = this.buffer;
    let rest = value;
    for (let i = this.pos + 8; i >= this.pos; i--) {
      buffer[i] = 48 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    this.pos += 9;
  }

  /** A hexadecimal string as bytes, read as `hexToBinary` of `@opentelemetry/otlp-transformer` reads it. */
  hex(value: string): void {
    const length = value.length >> 1;
    this.ensure(length);
    const buffer = this.buffer;
    let pos = this.pos;
    for (let i = 0; i < value.length; i += 2) {
      buffer[pos++] = ((nibble(value.charCodeAt(i)) << 4) | nibble(value.charCodeAt(i + 1))) & 0xff;
    }
    this.pos = pos;
  }

  /**
   * A protobuf varint of an integer, as the SDK's protobuf writer writes it: below 2^32 as unsigned, else
   * as 64 bits (two's complement for a negative number).
   */
  varint(value: number): void {
    this.ensure(10);
    const buffer = this.buffer;
    if (value >= 0 && value <= 0xffffffff) {
      let v = value >>> 0;
      while (v > 0x7f) {
        buffer[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      buffer[this.pos++] = v;
      return;
    }
    const magnitude = Math.abs(value);
    let low = magnitude >>> 0;
    let high = (magnitude / 0x100000000) >>> 0;
    if (value < 0) {
      low = (~low + 1) >>> 0;
      high = (~high + (low === 0 ? 1 : 0)) >>> 0;
    }
    while (high > 0 || low > 0x7f) {
      buffer[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buffer[this.pos++] = low & 0x7f;
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, value >>> 0, true);
    this.pos += 4;
  }

  fixed64(low: number, high: number): void {
    this.ensure(8);
    this.view.setUint32(this.pos, low >>> 0, true);
    this.view.setUint32(this.pos + 4, high >>> 0, true);
    this.pos += 8;
  }

  double(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  /** Reserves one byte for the length of what follows; {@link finishLength} writes it. */
  startLength(): number {
    this.ensure(1);
    return this.pos++;
  }

  /**
   * Writes the length of what was written since `start` (from {@link startLength}) as a varint, moving it
   * when the length needs more than the one byte reserved: most fields are shorter than 128 bytes.
   */
  finishLength(start: number): void {
    const length = this.pos - start - 1;
    if (length < 0x80) {
      this.buffer[start] = length;
      return;
    }
    const size = length < 0x4000 ? 2 : length < 0x200000 ? 3 : length < 0x10000000 ? 4 : 5;
    this.ensure(size - 1);
    this.buffer.copyWithin(start + size, start + 1, this.pos);
    this.pos += size - 1;
    let at = start;
    let v = length;
    while (v > 0x7f) {
      this.buffer[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buffer[at] = v;
  }
}

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  return code - 55;
}
