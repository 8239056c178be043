/**
 * Picks the version of a call from a number u in [0, 1): canary i owns the interval
 * [start_i, start_i + share_i), the primary the rest. A rolled-back canary keeps its interval, which then
 * routes to the primary, so that a sticky key keeps its version when another canary is rolled back.
 */
export class VersionRouter {
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  /** Whether each canary takes calls now (its share is not 0). */
  readonly active: boolean[];

  constructor(readonly shares: readonly number[]) {
    this.starts = new Float64Array(shares.length);
    this.ends = new Float64Array(shares.length);
    let start = 0;
    shares.forEach((share, i) => {
      this.starts[i] = start;
      start += share;
      this.ends[i] = start;
    });
    this.active = shares.map(() => true);
  }

  /** The canary index for u, or -1 for the primary. */
  route(u: number): number {
    const ends = this.ends;
    for (let i = 0; i < ends.length; i++) {
      if (u < ends[i]!) return u >= this.starts[i]! && this.active[i] ? i : -1;
    }
    return -1;
  }

  /** Share of calls routed to canary i now. */
  share(i: number): number {
    return this.active[i] ? this.shares[i]! : 0;
  }

  /** Share of calls routed to the primary now. */
  primaryShare(): number {
    let share = 1;
    for (let i = 0; i < this.shares.length; i++) share -= this.share(i);
    // 1 − 0.1 − 0.2 is 0.7000000000000001.
    return Math.round(share * 1e12) / 1e12;
  }
}

/**
 * A sticky key as a number in [0, 1): 32-bit FNV-1a over its UTF-16 code units, then the MurmurHash3
 * finalizer so that keys differing in their last character spread over the whole range. The same key
 * gives the same number in every process and on every run.
 */
export function stickyPoint(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
