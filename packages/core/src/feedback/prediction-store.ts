import type { ModelTask } from '../types';
import type {
  DropReason,
  OutcomeTakeResult,
  PendingPrediction,
  PredictionSource,
  StoredPrediction,
  TakeResult,
} from './feedback-store';

/** A remembered prediction waits for feedback. */
const PENDING = 0;
/** A remembered prediction got its feedback; its ID is kept to recognize duplicates. */
const ANSWERED = 1;
/** A remembered prediction outlived the time to live without feedback; its ID is kept to recognize late feedback. */
const EXPIRED = 2;
/** Replaced by a later prediction with the same ID: only a place in the queue until it reaches the head. */
const REPLACED = 3;

type EntryState = typeof PENDING | typeof ANSWERED | typeof EXPIRED | typeof REPLACED;

const CLASSIFICATION = 0;
const REGRESSION = 1;

const INITIAL_CAPACITY = 1024;
const MISSING = Object.freeze({ state: 'missing' as const });
const AMBIGUOUS: TakeResult = Object.freeze({ state: 'ambiguous' });

/**
 * The bounded memory of recent predictions that late feedback is joined with, in this process:
 * the default {@link FeedbackStore} of a tracker.
 *
 * A ring of parallel arrays in arrival order (no object per prediction: adding one allocates
 * nothing but the map entry, which matters on the prediction path) and a map from prediction ID
 * to its slot. From the head, the ring holds first the entries older than the time to live (kept
 * only so that late feedback counts as `expired` and a second feedback as `duplicate`; `retired`
 * of them), then the younger ones. Expiry only ever looks at the first young entry, forgetting and
 * eviction at the head, so every operation is O(1) amortized and no timer is needed. The ring
 * grows by doubling up to `maxEntries` and never holds more; when full, the oldest entry goes,
 * which is an expired or answered one whenever there is any. Its takes answer at once, not in a promise.
 */
export class PredictionStore {
  private readonly bySlotOfId = new Map<string, number>();
  /**
   * Trace ID → slot of its only prediction, or minus the number of predictions of that trace.
   * Built on the first join by trace ID, so that services that never join by trace pay nothing for it.
   */
  private byTrace: Map<string, number> | undefined;
  private capacity = 0;
  private ids: Array<string | undefined> = [];
  private traceIds: Array<string | undefined> = [];
  private sources: Array<PredictionSource | undefined> = [];
  private labels: Array<string | undefined> = [];
  private values = new Float64Array(0);
  private times = new Float64Array(0);
  private states = new Uint8Array(0);
  private tasks = new Uint8Array(0);
  /** Per entry, one bit per declared outcome name that it got already (at most 32 names). */
  private outcomes = new Uint32Array(0);
  private head = 0;
  private count = 0;
  /** How many entries from the head are older than the time to live. */
  private retired = 0;

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
    /** Called when a prediction replaces a remembered one with the same ID (which counts as evicted). */
    private readonly onReplace: (id: string) => void = () => {},
  ) {}

  /** Entries in the ring (waiting, answered, expired): never more than `maxEntries`. */
  get size(): number {
    return this.count;
  }

  /** Remembers a prediction; its `time` must not be earlier than that of any stored before. */
  add(prediction: PendingPrediction): void {
    const { id, time } = prediction;
    this.sweep(time);
    const previous = this.bySlotOfId.get(id);
    if (previous !== undefined) this.release(previous, 'evicted', REPLACED);
    if (this.count >= this.maxEntries) this.shift('evicted');
    if (this.count === this.capacity) this.grow();
    const slot = (this.head + this.count) % this.capacity;
    this.ids[slot] = id;
    this.traceIds[slot] = prediction.traceId;
    this.sources[slot] = prediction.source;
    this.labels[slot] = prediction.label;
    this.values[slot] = prediction.value ?? NaN;
    this.times[slot] = time;
    this.states[slot] = PENDING;
    this.tasks[slot] = prediction.task === 'regression' ? REGRESSION : CLASSIFICATION;
    this.outcomes[slot] = 0;
    this.count++;
    this.bySlotOfId.set(id, slot);
    if (this.byTrace !== undefined) this.indexTrace(this.byTrace, slot);
    if (previous !== undefined) this.onReplace(id);
  }

  /** Takes the remembered prediction with this ID, after expiring what is due at `now`. */
  take(id: string, actual: string | number | undefined, now = Date.now()): TakeResult {
    this.sweep(now);
    const slot = this.bySlotOfId.get(id);
    return slot === undefined ? MISSING : this.takeSlot(slot, actual);
  }

  /**
   * Takes the only remembered prediction of a trace; `ambiguous` when the trace has several (a
   * batch call, or a request that predicted more than once).
   */
  takeByTraceId(traceId: string, actual: string | number | undefined, now = Date.now()): TakeResult {
    this.sweep(now);
    if (this.byTrace === undefined) {
      const byTrace = new Map<string, number>();
      for (let i = 0; i < this.count; i++) {
        const slot = (this.head + i) % this.capacity;
        if (this.states[slot] !== REPLACED) this.indexTrace(byTrace, slot);
      }
      this.byTrace = byTrace;
    }
    const known = this.byTrace.get(traceId);
    if (known === undefined) return MISSING;
    return known < 0 ? AMBIGUOUS : this.takeSlot(known, actual);
  }

  /**
   * Takes outcome `bit` (one bit per declared outcome name) of the remembered prediction with this ID,
   * after expiring what is due at `now`. The entry's feedback state is left alone: an answered
   * prediction still takes outcomes, and one that took outcomes still waits for its label.
   */
  takeOutcome(id: string, bit: number, now = Date.now()): OutcomeTakeResult {
    this.sweep(now);
    const slot = this.bySlotOfId.get(id);
    if (slot === undefined) return MISSING;
    const prediction = this.predictionAt(slot);
    const got = this.outcomes[slot]!;
    if ((got & bit) !== 0) return { state: 'answered', prediction };
    this.outcomes[slot] = got | bit;
    return { state: 'taken', prediction };
  }

  /** Expires entries older than the time to live, and forgets those older than twice that. */
  sweep(now: number): void {
    const expireBefore = now - this.ttlMs;
    while (this.retired < this.count) {
      const slot = (this.head + this.retired) % this.capacity;
      if (this.times[slot]! > expireBefore) break;
      if (this.states[slot] === PENDING) {
        this.states[slot] = EXPIRED;
        this.sources[slot]!.dropped('expired');
      }
      this.retired++;
    }
    const forgetBefore = now - 2 * this.ttlMs;
    while (this.retired > 0 && this.times[this.head]! <= forgetBefore) this.shift('expired');
  }

  private predictionAt(slot: number): StoredPrediction {
    const value = this.values[slot]!;
    return {
      model: this.sources[slot]!.model,
      source: this.sources[slot],
      task: this.tasks[slot] === REGRESSION ? 'regression' : 'classification',
      label: this.labels[slot],
      value: Number.isNaN(value) ? undefined : value,
      confidence: undefined,
      time: this.times[slot]!,
    };
  }

  private takeSlot(slot: number, actual: string | number | undefined): TakeResult {
    const state = this.states[slot];
    const prediction = this.predictionAt(slot);
    const task: ModelTask = prediction.task;
    if (state === ANSWERED) return { state: 'answered', prediction };
    if (actual === undefined || (task === 'regression' && typeof actual !== 'number'))
      return { state: 'kept', prediction };
    this.states[slot] = ANSWERED;
    return { state: 'taken', prediction };
  }

  /** Removes the oldest entry. */
  private shift(reason: DropReason): void {
    const slot = this.head;
    if (this.states[slot] !== REPLACED) this.release(slot, reason, this.states[slot] as EntryState);
    this.ids[slot] = undefined;
    this.traceIds[slot] = undefined;
    this.sources[slot] = undefined;
    this.labels[slot] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    if (this.retired > 0) this.retired--;
  }

  /** Takes an entry out of the indexes; a pending one is reported as dropped. */
  private release(slot: number, reason: DropReason, state: EntryState): void {
    // A replaced entry's ID now belongs to the newer prediction, which `add` indexes right after.
    if (state !== REPLACED) this.bySlotOfId.delete(this.ids[slot]!);
    this.unindexTrace(slot);
    if (this.states[slot] === PENDING) this.sources[slot]!.dropped(reason);
    this.states[slot] = state;
  }

  /** Doubles the ring (up to `maxEntries`), laying the entries out from slot 0 again. */
  private grow(): void {
    const capacity = Math.min(this.maxEntries, Math.max(INITIAL_CAPACITY, this.capacity * 2));
    const order = (i: number) => (this.head + i) % this.capacity;
    const copy = <T>(from: T[]): T[] => {
      const to = new Array<T>(capacity);
      for (let i = 0; i < this.count; i++) to[i] = from[order(i)]!;
      return to;
    };
    const copyTyped = <T extends Float64Array | Uint8Array | Uint32Array>(from: T, to: T): T => {
      for (let i = 0; i < this.count; i++) to[i] = from[order(i)]!;
      return to;
    };
    this.ids = copy(this.ids);
    this.traceIds = copy(this.traceIds);
    this.sources = copy(this.sources);
    this.labels = copy(this.labels);
    this.values = copyTyped(this.values, new Float64Array(capacity));
    this.times = copyTyped(this.times, new Float64Array(capacity));
    this.states = copyTyped(this.states, new Uint8Array(capacity));
    this.tasks = copyTyped(this.tasks, new Uint8Array(capacity));
    this.outcomes = copyTyped(this.outcomes, new Uint32Array(capacity));
    this.capacity = capacity;
    this.head = 0;
    for (let slot = 0; slot < this.count; slot++) {
      if (this.states[slot] !== REPLACED) this.bySlotOfId.set(this.ids[slot]!, slot);
    }
    if (this.byTrace !== undefined) {
      this.byTrace = undefined;
      const byTrace = new Map<string, number>();
      for (let slot = 0; slot < this.count; slot++) if (this.states[slot] !== REPLACED) this.indexTrace(byTrace, slot);
      this.byTrace = byTrace;
    }
  }

  private indexTrace(byTrace: Map<string, number>, slot: number): void {
    const traceId = this.traceIds[slot];
    if (traceId === undefined) return;
    const known = byTrace.get(traceId);
    if (known === undefined) byTrace.set(traceId, slot);
    else byTrace.set(traceId, known < 0 ? known - 1 : -2);
  }

  private unindexTrace(slot: number): void {
    const byTrace = this.byTrace;
    const traceId = this.traceIds[slot];
    if (byTrace === undefined || traceId === undefined) return;
    const known = byTrace.get(traceId);
    if (known === slot) byTrace.delete(traceId);
    else if (known !== undefined && known < 0) {
      if (known >= -1) byTrace.delete(traceId);
      else byTrace.set(traceId, known + 1);
    }
  }
}
