import type { ByteWriter } from './byte-writer';

// Enough for the attribute keys of any service; past it, keys are encoded each time rather than cached, so
// that keys made from data cannot grow the cache without bound.
const MAX_KEYS = 4096;

/**
 * The bytes of pieces that recur from span to span (attribute keys, scopes, the resource), encoded once:
 * the first time a piece is written, the bytes written are kept and copied from then on.
 */
export class EncodedPieces<Piece> {
  private readonly byValue = new Map<Piece, Uint8Array>();

  constructor(private readonly limit = MAX_KEYS) {}

  /** Writes `piece` with `write` the first time, and copies the bytes it wrote the next times. */
  write(writer: ByteWriter, piece: Piece, write: (writer: ByteWriter, piece: Piece) => void): void {
    const known = this.byValue.get(piece);
    if (known !== undefined) {
      writer.bytes(known);
      return;
    }
    const start = writer.pos;
    write(writer, piece);
    // A copy: the writer's buffer is reused by the next batch.
    if (this.byValue.size < this.limit)
      this.byValue.set(piece, new Uint8Array(writer.buffer.subarray(start, writer.pos)));
  }
}
