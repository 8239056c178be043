// What the pool keeps at most: enough for the spans of a few batches and the requests out, not more.
const MAX_POOLED_BYTES = 16 * 1024 * 1024;

/**
 * Buffers of batches already sent, written again by the next ones. Memory the process has not written yet
 * costs a page fault per page on its first write, several times what writing it costs: a fresh buffer for
 * each batch made the writing of its request cost more than the encoding of its spans.
 */
export class BufferPool {
  private readonly spare: Buffer[] = [];
  private pooledBytes = 0;

  /** A buffer of at least `size` bytes, from the pool when one is large enough; its content is undefined. */
  take(size: number): Buffer {
    for (let i = this.spare.length - 1; i >= 0; i--) {
      const buffer = this.spare[i] as Buffer;
      if (buffer.length >= size) {
        this.spare.splice(i, 1);
        this.pooledBytes -= buffer.length;
        return buffer;
      }
    }
    // Never from Buffer's shared pool: a request's buffer is transferred to the export thread.
    return Buffer.allocUnsafeSlow(size);
  }

  /** Gives back a buffer nothing reads or writes any more (the whole of its memory). */
  give(memory: ArrayBufferLike): void {
    const buffer = Buffer.from(memory);
    if (buffer.length === 0 || this.pooledBytes + buffer.length > MAX_POOLED_BYTES) return;
    this.spare.push(buffer);
    this.pooledBytes += buffer.length;
  }
}
