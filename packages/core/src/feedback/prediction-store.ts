/** A remembered prediction waits for feedback. */
export const PENDING = 0;
/** A remembered prediction got its feedback; its ID is kept to recognize duplicates. */
export const ANSWERED = 1;
/** A remembered prediction outlived the time to live without feedback; its ID is kept to recognize late feedback. */
export const EXPIRED = 2;
/** Replaced by a later prediction with the same ID: only a place in the queue until it reaches the head. */
const REPLACED = 3;

export type EntryState = typeof PENDING | typeof ANSWERED | typeof EXPIRED | typeof REPLACED;

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
    /** `Date.now()` when it was stored: the queue is in this order. */
    readonly storedAt: number,
  ) {}
}

/** Called when a pending prediction leaves the store for good without feedback. */
export type DropListener<Owner> = (entry: StoredPrediction<Owner>, reason: DropReason) => void;

/**
 * The bounded memory of recent predictions that late feedback is joined with.
 *
 * A map from prediction ID for the lookups, and a queue in arrival order for the limits:
 * `[head, liveStart)` holds entries older than the time to live (kept only so that late feedback
 * counts as `expired` and a second feedback as `duplicate`), `[liveStart, end)` the younger ones.
 * Expiry only ever looks at `liveStart`, forgetting and eviction at `head`, so every operation is
 * O(1) amortized and no timer is needed. The queue never holds more than `maxEntries`; when full,
 * the oldest entry goes, which is an expired or answered one whenever there is any.
 */
export class PredictionStore<Owner> {
  private readonly byId = new Map<string, StoredPrediction<Owner>>();
  /** Trace ID → its only prediction, or the number of predictions of that trace still remembered. */
  private readonly byTrace = new Map<string, StoredPrediction<Owner> | number>();
  private queue: Array<StoredPrediction<Owner> | undefined> = [];
  private head = 0;
  private liveStart = 0;

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
    private readonly onDrop: DropListener<Owner>,
  ) {}

  /** Entries in the queue (waiting, answered, expired): never more than `maxEntries`. */
  get size(): number {
    return this.queue.length - this.head;
  }

  /** Whether a prediction with this ID is remembered. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Remembers a prediction (its `storedAt` must not be earlier than any stored before). */
  add(entry: StoredPrediction<Owner>): void {
    this.sweep(entry.storedAt);
    const previous = this.byId.get(entry.id);
    if (previous !== undefined) this.forget(previous, 'evicted', REPLACED);
    this.byId.set(entry.id, entry);
    this.queue.push(entry);
    if (entry.traceId !== undefined) {
      const known = this.byTrace.get(entry.traceId);
      if (known === undefined) this.byTrace.set(entry.traceId, entry);
      else this.byTrace.set(entry.traceId, typeof known === 'number' ? known + 1 : 2);
    }
    while (this.queue.length - this.head > this.maxEntries) this.shift('evicted');
  }

  /** The remembered prediction with this ID, after expiring what is due at `now`. */
  get(id: string, now: number): StoredPrediction<Owner> | undefined {
    this.sweep(now);
    return this.byId.get(id);
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

  /** Expires entries older than the time to live, and forgets those older than twice that. */
  sweep(now: number): void {
    const expireBefore = now - this.ttlMs;
    while (this.liveStart < this.queue.length && this.queue[this.liveStart]!.storedAt <= expireBefore) {
      const entry = this.queue[this.liveStart++]!;
      if (entry.state === PENDING) {
        entry.state = EXPIRED;
        this.onDrop(entry, 'expired');
      }
    }
    const forgetBefore = now - 2 * this.ttlMs;
    // `shift` may compact the queue: read `this.queue` afresh on every turn.
    while (this.head < this.liveStart && this.queue[this.head]!.storedAt <= forgetBefore) this.shift('expired');
  }

  /** Removes the oldest entry of the queue. */
  private shift(reason: DropReason): void {
    const entry = this.queue[this.head];
    this.queue[this.head] = undefined;
    this.head++;
    if (this.liveStart < this.head) this.liveStart = this.head;
    if (entry !== undefined && entry.state !== REPLACED) this.forget(entry, reason, entry.state);
    // Drop the emptied front of the array now and then: O(1) amortized, memory stays bounded.
    if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.liveStart -= this.head;
      this.head = 0;
    }
  }

  /** Removes an entry from the indexes; a pending one is reported as dropped. */
  private forget(entry: StoredPrediction<Owner>, reason: DropReason, state: EntryState): void {
    if (this.byId.get(entry.id) === entry) this.byId.delete(entry.id);
    this.unindexTrace(entry);
    if (entry.state === PENDING) this.onDrop(entry, reason);
    entry.state = state;
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
