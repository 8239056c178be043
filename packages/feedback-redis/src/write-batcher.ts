import { FEEDBACK_REDIS } from './config/env-config';
import { diag } from '@opentelemetry/api';
import type { PendingPrediction, PredictionSource } from '@modelsight/core';
import { ErrorReply } from 'redis';
import type { KeyLayout } from './key-layout';
import { encodeModel, encodePrediction, type EncodedModel } from './prediction-codec';
import type { ReportOnce, StoreConnection } from './redis-connection';
import { WRITE_SCRIPT } from './redis-scripts';
import { storeAddress, type ResolvedRedisStoreOptions } from './redis-store-options';
import { WriteQueue } from './write-queue';

/** Predictions per write command: one `EVALSHA` writes them all, so a batch costs one promise. */
const BATCH_SIZE = 256;
/** Write commands awaiting Redis at once, per group of keys; further predictions wait in the queue meanwhile. */
const MAX_IN_FLIGHT = 16;
/**
 * After a replica did not confirm a batch in time, the batches of that group are not waited for during
 * this span: `WAIT` holds the primary's connection while it waits, and a primary without a replica
 * (its replica just took over from a dead one) would make every batch behind it wait.
 */
const UNREPLICATED_PAUSE_MS = 10_000;
/** Predictions of one model whose retention ends within this span are remembered together (see `Ledger`). */
const LEDGER_STEP_MS = 60_000;

/** One write command: predictions of one group of keys, encoded once, sent again when its answer never came. */
interface Batch {
  readonly group: number;
  readonly ids: string[];
  readonly traceIds: Array<string | undefined>;
  readonly values: string[];
  /** When each prediction's retention ends (ms since the epoch), `Infinity` for none. */
  readonly untils: number[];
  readonly sources: PredictionSource[];
  readonly models: Set<EncodedModel>;
  /** Sent before without an answer: it may have been written. */
  resent: boolean;
}

/**
 * Predictions this process stored in one group, by model and by when their retention ends, so that
 * when Redis turns out to have lost what it held, the loss is counted: `[source, until, count]` in
 * the order written, neighbours merged.
 */
interface Ledger {
  /** The epoch of the model hash when last written: it changes when Redis starts empty. */
  epoch: string | undefined;
  readonly sources: PredictionSource[];
  readonly untils: number[];
  readonly counts: number[];
}

/**
 * The write side of the store: predictions wait in a bounded in-process queue and are written in
 * batches of 256 (one `EVALSHA` each, per group of keys; at most 16 batches per group awaiting Redis
 * at once), right after they are made, or in rounds while a flush is awaited.
 *
 * On Redis Cluster (with `waitForReplica`), a batch counts as written once a replica of its primary
 * holds it too (see {@link WriteBatcher.replicated}).
 *
 * Every prediction is counted once in `ml_feedback_pending_dropped_total` when, and only when, it is
 * not stored: `unavailable` when it was never sent or Redis refused it; a batch whose answer never
 * came (a time limit, a lost connection) is sent again once Redis answers, and finds what its first
 * sending wrote, so that it is counted by what happened; `unknown` only when that can no longer be
 * learnt (the store closed first, or the retention passed). `lost` when Redis later loses what it
 * held (see {@link Ledger}).
 */
export class WriteBatcher {
  private readonly queue: WriteQueue;
  /** The code and model-hash entry of each source (one per model version). */
  private readonly models = new Map<PredictionSource, EncodedModel>();
  /** Batches whose answer never came, to send again first. */
  private readonly unanswered: Batch[] = [];
  private readonly ledgers: Ledger[];
  /**
   * Epochs for the model hash, should a batch be the first to write to an empty Redis: one per batch,
   * since this process may be the first writer both before and after Redis restarts.
   */
  private readonly epochBase = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 10)}.`;
  private epochs = 0;
  /** Per group, until when batches are not waited for (see {@link UNREPLICATED_PAUSE_MS}). */
  private readonly unreplicatedUntil: number[];
  /** Per group, replies and batches (alternating) answered by the primary and waiting for a `WAIT`. */
  private readonly awaitingCopy: unknown[][];
  /** Per group, whether a `WAIT` is on its way. */
  private readonly copyAsked: boolean[];
  private readonly maxInFlight: number;
  private inFlight = 0;
  private scheduled = false;
  private readonly idle: Array<() => void> = [];
  private readonly flushSoon = (): void => {
    this.scheduled = false;
    this.flush(false);
  };

  constructor(
    private readonly options: ResolvedRedisStoreOptions,
    private readonly keys: KeyLayout,
    private readonly connection: StoreConnection,
    private readonly report: ReportOnce,
  ) {
    this.queue = new WriteQueue(options.maxQueue);
    this.maxInFlight = MAX_IN_FLIGHT * keys.groups;
    this.unreplicatedUntil = new Array<number>(keys.groups).fill(0);
    this.awaitingCopy = Array.from({ length: keys.groups }, () => []);
    this.copyAsked = new Array<boolean>(keys.groups).fill(false);
    this.ledgers = Array.from({ length: keys.groups }, () => ({
      epoch: undefined,
      sources: [],
      untils: [],
      counts: [],
    }));
  }

  /** Predictions waiting in this process to be written, or to be written again. */
  get queued(): number {
    let size = this.queue.size;
    for (const batch of this.unanswered) size += batch.ids.length;
    return size;
  }

  /** Queues a prediction (copying its fields) and schedules a write; a full queue drops it, counted. */
  add(prediction: PendingPrediction): void {
    if (this.connection.closed || !this.queue.push(prediction, this.options.traceIndex)) {
      prediction.source.dropped('unavailable');
      return;
    }
    if (!this.scheduled && this.connection.available) {
      this.scheduled = true;
      setImmediate(this.flushSoon);
    }
  }

  /**
   * Redis answers again: what waited is written now, and a group that holds predictions of this
   * process is asked for its epoch, so that a Redis that restarted empty is noticed without waiting
   * for the next prediction of that group.
   */
  resumed(): void {
    for (let group = 0; group < this.ledgers.length; group++)
      if (this.ledgers[group]!.counts.length > 0) this.unanswered.push(this.emptyBatch(group));
    this.flush(false);
  }

  /** Redis stopped answering: nobody waits for the queue to drain. */
  stopped(): void {
    for (const resolve of this.idle.splice(0)) resolve();
  }

  /**
   * Resolves once every queued prediction has been sent and answered (or given up), at most about twice
   * `timeoutMs` later; at once when Redis is away.
   */
  async flushed(): Promise<void> {
    this.flush(true);
    if (this.inFlight === 0 && (this.queued === 0 || !this.connection.available)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        // No longer waited for: batches go back to being sent as predictions arrive.
        const index = this.idle.indexOf(done);
        if (index >= 0) this.idle.splice(index, 1);
        resolve();
      }, this.options.timeoutMs * 2);
      timer.unref();
      this.idle.push(done);
    });
  }

  /**
   * The flush run at shutdown: {@link flushed} until nothing is queued or in flight, or Redis stops
   * answering (a command unanswered for `timeoutMs` marks it away). The caller's deadline bounds the
   * wait; a service that keeps predicting meanwhile is waited for. Fails with how much is left, so that
   * the loss is reported.
   */
  async writeBeforeEnd(): Promise<void> {
    while (this.connection.available && (this.queued > 0 || this.inFlight > 0)) await this.flushed();
    if (this.queued === 0 && this.inFlight === 0) return;
    const unanswered = this.inFlight > 0 ? ` and ${this.inFlight} batches unanswered` : '';
    throw new Error(
      `${this.queued} predictions not sent${unanswered}: Redis unavailable (${String(this.connection.lastError)})`,
    );
  }

  /**
   * The store is closing: what was never sent counts as dropped (`unavailable`), what was sent without
   * an answer as `unknown`.
   */
  dropQueued(): void {
    const q = this.queue;
    for (const source of q.sources.slice(q.head)) source.dropped('unavailable');
    q.advance(q.size);
    for (const batch of this.unanswered.splice(0)) for (const source of batch.sources) source.dropped('unknown');
  }

  /**
   * Sends queued predictions in batches, those sent before without an answer first; `force` also when
   * the in-flight limit is reached.
   *
   * While {@link flushed} is awaited (at shutdown, with the service still answering), batches go in
   * rounds: what arrives meanwhile waits until every batch in flight is answered, then all of it is
   * sent at once. Sending each arrival at once would keep a batch in flight for as long as the
   * traffic lasts, and the wait for "nothing queued, nothing in flight" would rarely end; in rounds
   * it ends as soon as one round trip passes without a new prediction.
   */
  flush(force: boolean): void {
    if (!force && this.idle.length > 0) {
      if (this.inFlight === 0) this.flush(true);
      return;
    }
    while (this.unanswered.length > 0 && this.connection.available && (force || this.inFlight < this.maxInFlight))
      this.send(this.unanswered.shift()!);
    while (this.queue.size > 0 && this.connection.available && (force || this.inFlight < this.maxInFlight))
      this.sendQueued();
  }

  private emptyBatch(group: number): Batch {
    return { group, ids: [], traceIds: [], values: [], untils: [], sources: [], models: new Set(), resent: true };
  }

  /** Encodes the oldest queued predictions into batches, one per group of keys, and sends them. */
  private sendQueued(): void {
    const q = this.queue;
    const groups = this.keys.groups;
    const count = Math.min(BATCH_SIZE * groups, q.size);
    const batches: Array<Batch | undefined> = new Array(groups);
    for (let i = q.head; i < q.head + count; i++) {
      const source = q.sources[i]!;
      const id = q.ids[i]!;
      const group = groups === 1 ? 0 : this.keys.groupOf(id);
      let batch = batches[group];
      if (batch === undefined || batch.ids.length === BATCH_SIZE) {
        if (batch !== undefined) this.send(batch);
        batch = { group, ids: [], traceIds: [], values: [], untils: [], sources: [], models: new Set(), resent: false };
        batches[group] = batch;
      }
      let model = this.models.get(source);
      if (model === undefined) {
        model = encodeModel(source.model);
        this.models.set(source, model);
      }
      batch.models.add(model);
      batch.ids.push(id);
      batch.traceIds.push(q.traceIds[i]);
      batch.values.push(
        encodePrediction(
          model.code,
          q.regression[i] ? 'regression' : 'classification',
          q.labels[i],
          q.values[i]!,
          q.confidences[i]!,
          q.times[i]!,
        ),
      );
      batch.untils.push(q.times[i]! + q.retains[i]!);
      batch.sources.push(source);
    }
    q.advance(count);
    for (const batch of batches) if (batch !== undefined) this.send(batch);
  }

  private send(batch: Batch): void {
    const now = Date.now();
    const keys: string[] = [this.keys.model(batch.group)];
    const traceKeys: string[] = [];
    const args: string[] = [this.epochBase + (++this.epochs).toString(36), String(batch.models.size)];
    for (const model of batch.models) args.push(model.code, model.entry);
    let kept = 0;
    for (let i = 0; i < batch.ids.length; i++) {
      // What is left of its retention: a prediction that waited past it (Redis away for twice `ttlMs`)
      // would be forgotten already, so it is not written, and is counted as not having reached Redis
      // (or as unknown when a sending without an answer may have written it).
      const until = batch.untils[i]!;
      const px = until === Infinity ? 0 : Math.floor(until - now);
      if (until !== Infinity && px <= 0) {
        batch.sources[i]!.dropped(batch.resent ? 'unknown' : 'unavailable');
        continue;
      }
      const id = batch.ids[i]!;
      const traceId = batch.traceIds[i];
      if (kept !== i) {
        batch.ids[kept] = id;
        batch.traceIds[kept] = traceId;
        batch.values[kept] = batch.values[i]!;
        batch.untils[kept] = until;
        batch.sources[kept] = batch.sources[i]!;
      }
      kept++;
      keys.push(this.keys.prediction(id, batch.group));
      if (traceId !== undefined) traceKeys.push(this.keys.trace(traceId));
      // `0`: no expiry (ttlMs Infinity), bounded by Redis's own maxmemory policy.
      args.push(batch.values[kept - 1]!, String(px), traceId === undefined ? '' : id);
    }
    const emptied = kept === 0 && batch.ids.length > 0;
    for (const array of [batch.ids, batch.traceIds, batch.values, batch.untils, batch.sources]) array.length = kept;
    // A batch left empty has nothing to write; an empty one made on purpose asks for the epoch.
    if (emptied) return;
    this.inFlight++;
    for (const key of traceKeys) keys.push(key);
    const sent = this.connection.evaluate(WRITE_SCRIPT, keys, args);
    if (this.options.waitForReplica && now >= this.unreplicatedUntil[batch.group]!)
      sent.then(
        (reply) => this.replicated(reply, batch, keys[0]!),
        (error: unknown) => this.unwritten(error, batch),
      );
    else
      sent.then(
        (reply) => this.written(reply, batch),
        (error: unknown) => this.unwritten(error, batch),
      );
  }

  /**
   * Redis Cluster: the batch counts as written once the primary's replica has it too (`WAIT`, which
   * covers every write sent before it on the connection, so one `WAIT` per group at a time confirms
   * every batch answered meanwhile: `WAIT` holds the connection while it waits). Without an answer
   * (the primary died, perhaps before its replica copied the batch), it is treated as a batch whose
   * answer never came: sent again, to the promoted replica, it stores what that one lacks and finds
   * what it holds. A replica that does not confirm in time (slow, or none) leaves the batch written as
   * the primary said, reported once, and the group's batches are not waited for during the next 10 s.
   */
  private replicated(reply: unknown, batch: Batch, key: string): void {
    const group = batch.group;
    this.awaitingCopy[group]!.push(reply, batch);
    if (this.copyAsked[group]) return;
    this.copyAsked[group] = true;
    const confirming = this.awaitingCopy[group]!.splice(0);
    const done = (each: (reply: unknown, batch: Batch) => void) => {
      this.copyAsked[group] = false;
      for (let i = 0; i < confirming.length; i += 2) each(confirming[i], confirming[i + 1] as Batch);
      const next = this.awaitingCopy[group]!;
      if (next.length > 0) {
        const [nextReply, nextBatch] = next.splice(0, 2);
        this.replicated(nextReply, nextBatch as Batch, key);
      }
    };
    this.connection.replicas(key).then(
      (copies) => {
        if (copies < 1) {
          this.unreplicatedUntil[group] = Date.now() + UNREPLICATED_PAUSE_MS;
          this.report(
            'no-replica',
            `Redis at ${storeAddress(this.options)}: a primary's replica did not confirm a batch of predictions within ${this.connection.waitMs} ms (WAIT), or it has none; should that primary die, what it did not copy is lost without being counted`,
          );
        }
        done((r, b) => this.written(r, b));
      },
      (error: unknown) => {
        if (error instanceof ErrorReply) {
          this.connection.failed(error);
          done((r, b) => this.written(r, b));
        } else done((_, b) => this.unwritten(error, b));
      },
    );
  }

  private unwritten(error: unknown, batch: Batch): void {
    this.connection.failed(error);
    if (error instanceof ErrorReply) {
      // An error reply comes before the script runs (OOM, LOADING, READONLY, CLUSTERDOWN): nothing was
      // written by this sending.
      for (const source of batch.sources) source.dropped(batch.resent ? 'unknown' : 'unavailable');
    } else if (this.connection.closed) {
      // A closing store cannot learn what a sending without an answer wrote.
      for (const source of batch.sources) source.dropped('unknown');
    } else if (batch.ids.length > 0) {
      // No answer (a time limit, a lost connection): the script may have run. Sent again once Redis
      // answers, it learns which predictions are stored.
      batch.resent = true;
      this.unanswered.push(batch);
    }
    this.batchDone();
  }

  private written(reply: unknown, batch: Batch): void {
    const text = typeof reply === 'string' ? reply : '';
    const space = text.lastIndexOf(' ');
    const status = space < 0 ? text : text.slice(0, space);
    const ledger = this.ledgers[batch.group]!;
    if (space >= 0) this.epochSeen(ledger, text.slice(space + 1));
    const { sources, untils } = batch;
    for (let i = 0; i < sources.length; i++) {
      const outcome = status[i];
      const source = sources[i]!;
      if (outcome === 's' || outcome === 'a') {
        this.remember(ledger, source, untils[i]!);
        continue;
      }
      if (outcome === 'e') {
        this.report(
          'existing-id',
          'a prediction ID was already in Redis; the newer prediction is not stored (prediction IDs must be unique across replicas)',
        );
        continue;
      }
      // Refused, and not there from an earlier sending either (the script looked).
      source.dropped('unavailable');
      if (outcome === 'o') {
        this.report(
          'full',
          `Redis at ${storeAddress(this.options)} is full (maxmemory): it refuses new predictions; they are counted in ml_feedback_pending_dropped_total{reason="unavailable"}`,
        );
      }
    }
    this.batchDone();
  }

  /**
   * The epoch a write found. A change means Redis started empty since this process last wrote there:
   * what it held is gone. Each prediction this process stored there whose retention had not passed
   * is counted as `lost` (at most that many were still waiting; some may have had their feedback).
   */
  private epochSeen(ledger: Ledger, epoch: string): void {
    if (epoch === '') return;
    const before = ledger.epoch;
    ledger.epoch = epoch;
    if (before === undefined || before === epoch) return;
    const now = Date.now();
    let lost = 0;
    for (let i = 0; i < ledger.counts.length; i++) {
      if (ledger.untils[i]! <= now) continue;
      const source = ledger.sources[i]!;
      for (let n = ledger.counts[i]!; n > 0; n--) source.dropped('lost');
      lost += ledger.counts[i]!;
    }
    ledger.sources.length = 0;
    ledger.untils.length = 0;
    ledger.counts.length = 0;
    diag.warn(
      `${FEEDBACK_REDIS}: Redis feedback store at ${storeAddress(this.options)} lost what it held (a restart without persistence, or a flush): ` +
        `${lost} predictions of this process that could still get feedback are gone; counted in ml_feedback_pending_dropped_total{reason="lost"}`,
    );
  }

  /** Remembers one stored prediction in the ledger of its group, merged with its neighbour when it can be. */
  private remember(ledger: Ledger, source: PredictionSource, until: number): void {
    // A few entries back: predictions of several models interleave.
    for (let i = ledger.counts.length - 1; i >= 0 && i >= ledger.counts.length - 8; i--) {
      const last = ledger.untils[i]!;
      if (ledger.sources[i] === source && (until === last || Math.abs(until - last) < LEDGER_STEP_MS)) {
        ledger.counts[i]!++;
        if (until > last) ledger.untils[i] = until;
        return;
      }
    }
    // Retention ends in the order predictions were made (one tracker, one ttlMs): the oldest go first.
    const now = Date.now();
    let expired = 0;
    while (expired < ledger.counts.length && ledger.untils[expired]! <= now) expired++;
    if (expired > 0) {
      ledger.sources.splice(0, expired);
      ledger.untils.splice(0, expired);
      ledger.counts.splice(0, expired);
    }
    ledger.sources.push(source);
    ledger.untils.push(until);
    ledger.counts.push(1);
  }

  private batchDone(): void {
    this.inFlight--;
    this.flush(false);
    if (this.inFlight === 0 && (this.queued === 0 || !this.connection.available)) {
      for (const resolve of this.idle.splice(0)) resolve();
    }
  }
}
