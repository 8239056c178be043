import type { PendingPrediction, PredictionSource } from '@modelsight/core';
import { encodeModel, encodePrediction, type EncodedModel } from './prediction-codec';
import type { RedisConnection, ReportOnce } from './redis-connection';
import { WRITE_SCRIPT } from './redis-scripts';
import { redactUrl, type ResolvedRedisStoreOptions } from './redis-store-options';
import { WriteQueue } from './write-queue';

/** Predictions per write command: one `EVALSHA` writes them all, so a batch costs one promise. */
const BATCH_SIZE = 256;
/** Write commands awaiting Redis at once; further predictions wait in the queue meanwhile. */
const MAX_IN_FLIGHT = 16;

/** The keys every command of the store builds from the prefix. */
export interface StoreKeys {
  /** `<prefix>p:`, before a prediction ID. */
  readonly prediction: string;
  /** `<prefix>t:`, before a trace ID. */
  readonly trace: string;
  /** `<prefix>m`, the hash of model names and versions. */
  readonly model: string;
}

/**
 * The write side of the store: predictions wait in a bounded in-process queue and are written in
 * batches of 256 (one `EVALSHA` each, at most 16 batches awaiting Redis at once), right after they
 * are made, or in rounds while a flush is awaited.
 */
export class WriteBatcher {
  private readonly queue: WriteQueue;
  /** The code and model-hash entry of each source (one per model version). */
  private readonly models = new Map<PredictionSource, EncodedModel>();
  private inFlight = 0;
  private scheduled = false;
  private readonly idle: Array<() => void> = [];
  private readonly flushSoon = (): void => {
    this.scheduled = false;
    this.flush(false);
  };

  constructor(
    private readonly options: ResolvedRedisStoreOptions,
    private readonly keys: StoreKeys,
    private readonly connection: RedisConnection,
    private readonly report: ReportOnce,
  ) {
    this.queue = new WriteQueue(options.maxQueue);
  }

  /** Predictions waiting in this process to be written. */
  get queued(): number {
    return this.queue.size;
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

  /** Redis answers again: what waited is written now. */
  resumed(): void {
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
    if (this.inFlight === 0 && (this.queue.size === 0 || !this.connection.available)) return;
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
    while (this.connection.available && (this.queue.size > 0 || this.inFlight > 0)) await this.flushed();
    if (this.queue.size === 0 && this.inFlight === 0) return;
    const unanswered = this.inFlight > 0 ? ` and ${this.inFlight} batches unanswered` : '';
    throw new Error(
      `${this.queue.size} predictions not sent${unanswered}: Redis unavailable (${String(this.connection.lastError)})`,
    );
  }

  /** Counts everything still queued as dropped and empties the queue (the store is closing). */
  dropQueued(): void {
    const q = this.queue;
    for (const source of q.sources.slice(q.head)) source.dropped('unavailable');
    q.advance(q.size);
  }

  /**
   * Sends queued predictions in batches; `force` also when the in-flight limit is reached.
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
    while (this.queue.size > 0 && this.connection.available && (force || this.inFlight < MAX_IN_FLIGHT))
      this.sendBatch();
  }

  private sendBatch(): void {
    const q = this.queue;
    const now = Date.now();
    const count = Math.min(BATCH_SIZE, q.size);
    const keys: string[] = [];
    const traceKeys: string[] = [];
    const args: string[] = [];
    const sources: PredictionSource[] = [];
    const models = new Set<EncodedModel>();
    for (let i = q.head; i < q.head + count; i++) {
      const source = q.sources[i]!;
      // What is left of its retention: a prediction that waited past it (Redis away for twice `ttlMs`)
      // would be forgotten already, so it is not written, and is counted as not having reached Redis.
      const retain = q.retains[i]!;
      const px = retain === Infinity ? 0 : Math.floor(q.times[i]! + retain - now);
      if (retain !== Infinity && px <= 0) {
        source.dropped('unavailable');
        continue;
      }
      let model = this.models.get(source);
      if (model === undefined) {
        model = encodeModel(source.model);
        this.models.set(source, model);
      }
      models.add(model);
      keys.push(this.keys.prediction + q.ids[i]!);
      const traceId = q.traceIds[i];
      if (traceId !== undefined) traceKeys.push(this.keys.trace + traceId);
      args.push(
        encodePrediction(
          model.code,
          q.regression[i] ? 'regression' : 'classification',
          q.labels[i],
          q.values[i]!,
          q.confidences[i]!,
          q.times[i]!,
        ),
        // `0`: no expiry (ttlMs Infinity), bounded by Redis's own maxmemory policy.
        String(px),
        traceId === undefined ? '' : q.ids[i]!,
      );
      sources.push(source);
    }
    q.advance(count);
    if (keys.length === 0) return;
    this.inFlight++;
    const modelArgs = [String(models.size), ...[...models].flatMap((m) => [m.code, m.entry])];
    this.connection.evaluate(WRITE_SCRIPT, [this.keys.model, ...keys, ...traceKeys], [...modelArgs, ...args]).then(
      (reply) => this.written(reply, sources),
      (error: unknown) => {
        this.connection.failed(error);
        for (const source of sources) source.dropped('unavailable');
        this.batchDone();
      },
    );
  }

  private written(reply: unknown, sources: PredictionSource[]): void {
    const status = typeof reply === 'string' ? reply : '';
    sources.forEach((source, i) => {
      const outcome = status[i];
      if (outcome === 's') return;
      if (outcome === 'e') {
        this.report(
          'existing-id',
          'a prediction ID was already in Redis; the newer prediction is not stored (prediction IDs must be unique across replicas)',
        );
        return;
      }
      source.dropped('unavailable');
      if (outcome === 'o') {
        this.report(
          'full',
          `Redis at ${redactUrl(this.options.url)} is full (maxmemory): it refuses new predictions; they are counted in ml_feedback_pending_dropped_total{reason="unavailable"}`,
        );
      }
    });
    this.batchDone();
  }

  private batchDone(): void {
    this.inFlight--;
    this.flush(false);
    if (this.inFlight === 0 && (this.queue.size === 0 || !this.connection.available)) {
      for (const resolve of this.idle.splice(0)) resolve();
    }
  }
}
