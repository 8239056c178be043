/** A remembered prediction waits for feedback. */
export const PENDING = 0;
/** A remembered prediction got its feedback; its ID is kept to recognize duplicates. */
export const ANSWERED = 1;
/** A remembered prediction outlived the time to live without feedback; its ID is kept to recognize late feedback. */
export const EXPIRED = 2;

export type EntryState = typeof PENDING | typeof ANSWERED | typeof EXPIRED;

/** Why a pending prediction left the store without feedback. */
export type DropReason = 'evicted' | 'expired';

/** One remembered prediction: only what the join needs. */
export class StoredPrediction<Owner> {
  state: EntryState = PENDING;

  constructor(
    readonly id: string,
    /** Trace ID, when the prediction had a sampled span; the key of the trace join. */
    readonly traceId: string | undefined,
    /** Per-model state the prediction belongs to. */
    readonly owner: Owner,
    readonly label: string | undefined,
    readonly value: number | undefined,
    /** `Date.now()` when it was stored: entries are in this order in the maps. */
    readonly storedAt: number,
  ) {}
}

/** Called when a pending prediction leaves the store for good without feedback. */
export type DropListener<Owner> = (entry: StoredPrediction<Owner>, reason: DropReason) => void;

/**
 * The bounded memory of recent predictions that late feedback is joined with.
 *
 * Two insertion-ordered maps: `live` holds predictions younger than the time to live, `retired`
 * those between one and two times the time to live (kept only so that late feedback counts as
 * `expired` and a second feedback as `duplicate`). Entries are stored in time order, so expiry only
 * ever looks at the head of each map: the cost per operation is O(1) amortized, and no timer is
 * needed. Together the maps never hold more than `maxEntries`; when full, retired IDs go first,
 * then the oldest live predictions.
 */
export class PredictionStore<Owner> {
  private readonly live = new Map<string, StoredPrediction<Owner>>();
  private readonly retired = new Map<string, StoredPrediction<Owner>>();
  /** Trace ID → its only prediction, or the number of predictions of that trace still remembered. */
  private readonly byTrace = new Map<string, StoredPrediction<Owner> | number>();
  /** When the head of `live` expires (Infinity while empty): the cheap test of `sweep`. */
  private nextExpiry = Infinity;
  /** When the head of `retired` is forgotten (Infinity while empty). */
  private nextForget = Infinity;

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
    private readonly onDrop: DropListener<Owner>,
  ) {}

  /** Predictions and IDs remembered, live and retired: never more than `maxEntries`. */
  get size(): number {
    return this.live.size + this.retired.size;
  }

  /** Remembers a prediction (its `storedAt` must not be earlier than any stored before). */
  add(entry: StoredPrediction<Owner>): void {
    this.sweep(entry.storedAt);
    if (this.live.has(entry.id) || this.retired.has(entry.id)) this.remove(entry.id, 'evicted');
    this.live.set(entry.id, entry);
    if (this.nextExpiry === Infinity) this.nextExpiry = entry.storedAt + this.ttlMs;
    if (entry.traceId !== undefined) {
      const known = this.byTrace.get(entry.traceId);
      if (known === undefined) this.byTrace.set(entry.traceId, entry);
      else this.byTrace.set(entry.traceId, typeof known === 'number' ? known + 1 : 2);
    }
    while (this.live.size + this.retired.size > this.maxEntries) this.evictOldest();
  }

  /** Whether an ID was stored (live or retired): a second prediction with the same ID replaces it. */
  has(id: string): boolean {
    return this.live.has(id) || this.retired.has(id);
  }

  /** The remembered prediction with this ID, after expiring what is due at `now`. */
  get(id: string, now: number): StoredPrediction<Owner> | undefined {
    this.sweep(now);
    return this.live.get(id) ?? this.retired.get(id);
  }

  /**
   * The only remembered prediction of a trace; `ambiguous` when the trace has several (a batch
   * call, or a request that predicted more than once); `undefined` when none.
   */
  getByTrace(traceId: string, now: number): StoredPrediction<Owner> | 'ambiguous' | undefined {
    this.sweep(now);
    const known = this.byTrace.get(traceId);
    return typeof known === 'number' ? 'ambiguous' : known;
  }

  /** Expires live predictions older than the time to live, and forgets retired ones older than twice that. */
  sweep(now: number): void {
    if (now >= this.nextExpiry) {
      this.nextExpiry = Infinity;
      for (const entry of this.live.values()) {
        if (entry.storedAt + this.ttlMs > now) {
          this.nextExpiry = entry.storedAt + this.ttlMs;
          break;
        }
        this.live.delete(entry.id);
        if (entry.state === PENDING) {
          entry.state = EXPIRED;
          this.onDrop(entry, 'expired');
        }
        this.retired.set(entry.id, entry);
        if (this.nextForget === Infinity) this.nextForget = entry.storedAt + 2 * this.ttlMs;
      }
    }
    if (now >= this.nextForget) {
      this.nextForget = Infinity;
      for (const entry of this.retired.values()) {
        if (entry.storedAt + 2 * this.ttlMs > now) {
          this.nextForget = entry.storedAt + 2 * this.ttlMs;
          break;
        }
        this.retired.delete(entry.id);
        this.unindexTrace(entry);
      }
    }
  }

  private evictOldest(): void {
    const map = this.retired.size > 0 ? this.retired : this.live;
    const oldest = map.keys().next();
    if (oldest.done) return;
    this.remove(oldest.value, 'evicted');
  }

  private remove(id: string, reason: DropReason): void {
    const entry = this.live.get(id) ?? this.retired.get(id);
    if (entry === undefined) return;
    this.live.delete(id) || this.retired.delete(id);
    this.unindexTrace(entry);
    if (entry.state === PENDING) this.onDrop(entry, reason);
    // nextExpiry / nextForget may now be earlier than the new heads: that only makes the next
    // sweep look at a head that is not due yet, which corrects them.
  }

  private unindexTrace(entry: StoredPrediction<Owner>): void {
    if (entry.traceId === undefined) return;
    const known = this.byTrace.get(entry.traceId);
    if (known === entry) this.byTrace.delete(entry.traceId);
    else if (typeof known === 'number') {
      if (known <= 1) this.byTrace.delete(entry.traceId);
      else this.byTrace.set(entry.traceId, known - 1);
    }
  }
}
