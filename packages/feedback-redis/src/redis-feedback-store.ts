import { type Env, ReportOnce } from '@modelsight/internal';
import { diag } from '@opentelemetry/api';
import {
  registerPendingWrites,
  type FeedbackStore,
  type PendingPrediction,
  type PredictionSource,
  type TakeResult,
} from '@modelsight/core';
import { createClient, ErrorReply, type RedisClientType } from 'redis';
import { FEEDBACK_REDIS } from './config/env-config';
import { decodePrediction, encodeModel, encodePrediction, type EncodedModel } from './prediction-codec';
import { TAKE_SCRIPT, WRITE_SCRIPT, type LuaScript } from './redis-scripts';
import {
  redactUrl,
  resolveRedisStoreOptions,
  type RedisFeedbackStoreOptions,
  type ResolvedRedisStoreOptions,
} from './redis-store-options';
import { WriteQueue } from './write-queue';

/** Predictions per write command: one `EVALSHA` writes them all, so a batch costs one promise. */
const BATCH_SIZE = 256;
/** Write commands awaiting Redis at once; further predictions wait in the queue meanwhile. */
const MAX_IN_FLIGHT = 16;
/** Wait before connecting again after a connection failed, was refused, or stopped answering. */
const RECONNECT_DELAY_MS = 1000;
/** Longest prediction ID or trace ID looked up: longer ones cannot have come from `traced()`. */
const MAX_KEY_LENGTH = 512;

const MISSING: TakeResult = Object.freeze({ state: 'missing' });

type Health = 'connecting' | 'up' | 'down' | 'closed';

/**
 * A {@link FeedbackStore} on Redis, shared by every replica of a service: a prediction made on one
 * replica is joined with feedback sent to any other. Create it with {@link redisFeedbackStore}.
 *
 * On the prediction path, `add` copies a few fields into a bounded in-process queue and returns;
 * the queue is written in batches right after (one `EVALSHA` per 256 predictions, `SET NX` with an
 * expiry of twice the tracker's `ttlMs` each). Feedback takes its prediction with one atomic
 * script, so only the first feedback on any replica uses it.
 *
 * When Redis is down, hangs or is full, predictions go on unaffected: they wait in the queue (at
 * most `maxQueue`, the rest counted as dropped), feedback is answered `unavailable` at once, one
 * warning is logged per outage through `diag`, and everything resumes when Redis answers again.
 *
 * The queue is written when telemetry is flushed: on SIGTERM and SIGINT under the preload
 * `@modelsight/node/register` (within `MODELSIGHT_SHUTDOWN_TIMEOUT_MS`), by `start().shutdown()`, or
 * by `flushPendingWrites()` of `@modelsight/core` in a service without them. `close()` writes it too.
 */
export class RedisFeedbackStore implements FeedbackStore {
  readonly options: ResolvedRedisStoreOptions;
  private client: RedisClientType;
  private readonly queue: WriteQueue;
  /** The code and model-hash entry of each source (one per model version). */
  private readonly models = new Map<PredictionSource, EncodedModel>();
  private readonly predictionKey: string;
  private readonly modelKey: string;
  private readonly traceKey: string;
  private health: Health = 'connecting';
  private lastError: unknown = new Error('not connected yet');
  private inFlight = 0;
  private scheduled = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly reporter = new ReportOnce(FEEDBACK_REDIS);
  private readonly idle: Array<() => void> = [];
  private readonly unregisterPendingWrites: () => void;
  private readonly flushSoon = (): void => {
    this.scheduled = false;
    this.flush(false);
  };

  /** @throws TypeError naming the option or environment variable when one is invalid. */
  constructor(options: RedisFeedbackStoreOptions = {}, env?: Env) {
    this.options = resolveRedisStoreOptions(options, env);
    const { maxQueue, keyPrefix } = this.options;
    this.queue = new WriteQueue(maxQueue);
    this.predictionKey = `${keyPrefix}p:`;
    this.traceKey = `${keyPrefix}t:`;
    this.modelKey = `${keyPrefix}m`;
    this.client = this.connect();
    // The preload's shutdown on SIGTERM (or the app's own flushPendingWrites()) writes the queue, so
    // that the last predictions before a service ends are not lost to their feedback.
    this.unregisterPendingWrites = registerPendingWrites(`Redis feedback store at ${redactUrl(this.options.url)}`, () =>
      this.writeBeforeEnd(),
    );
  }

  /**
   * A new connection. node-redis gives up waiting for a command once it is written, and would
   * wait forever on a Redis that accepts and never answers; so the store reconnects itself: a
   * connection that is not ready within `timeoutMs`, fails, or lets a command go unanswered for
   * `timeoutMs` is dropped (failing every command still waiting on it), and another is opened
   * a second later.
   */
  private connect(): RedisClientType {
    const { url, timeoutMs, clientOptions } = this.options;
    const client = createClient({
      ...clientOptions,
      url,
      // Commands fail at once while disconnected instead of piling up in an unbounded queue.
      disableOfflineQueue: true,
      socket: { connectTimeout: timeoutMs, ...clientOptions.socket, reconnectStrategy: false },
    } as Parameters<typeof createClient>[0]) as RedisClientType;
    const current = () => this.client === client && this.health !== 'closed';
    const handshake = setTimeout(() => {
      if (current() && !client.isReady) this.reconnect(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    handshake.unref();
    client.on('error', (error: unknown) => {
      if (current()) this.reconnect(error);
    });
    client.on('end', () => {
      if (current()) this.reconnect(this.lastError);
    });
    client.on('ready', () => {
      clearTimeout(handshake);
      if (current()) this.markUp();
    });
    client.unref();
    client.connect().catch((error: unknown) => {
      if (current()) this.reconnect(error);
    });
    return client;
  }

  /** Marks Redis as away, drops the current connection and opens another one a little later. */
  private reconnect(error: unknown): void {
    this.markDown(error);
    if (this.reconnectTimer !== undefined || this.health === 'closed') return;
    const broken = this.client;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.health !== 'closed') this.client = this.connect();
    }, RECONNECT_DELAY_MS);
    this.reconnectTimer.unref();
    // After the timer is set, so that the errors of its dying commands find a reconnection under way.
    try {
      broken.destroy();
    } catch {
      // already closed
    }
  }

  /** Whether Redis answers now (the last command or probe succeeded). */
  get available(): boolean {
    return this.health === 'up';
  }

  /** Predictions waiting in this process to be written. */
  get queued(): number {
    return this.queue.size;
  }

  add(prediction: PendingPrediction): void {
    if (this.health === 'closed' || !this.queue.push(prediction, this.options.traceIndex)) {
      prediction.source.dropped('unavailable');
      return;
    }
    if (!this.scheduled && this.health === 'up') {
      this.scheduled = true;
      setImmediate(this.flushSoon);
    }
  }

  take(id: string, actual: string | number | undefined): Promise<TakeResult> {
    if (typeof id !== 'string' || id.length > MAX_KEY_LENGTH) return Promise.resolve(MISSING);
    return this.takeKey(this.predictionKey + id, actual, '');
  }

  takeByTraceId(traceId: string, actual: string | number | undefined): Promise<TakeResult> {
    if (!this.options.traceIndex) {
      this.report(
        'trace-index',
        'feedback by trace ID needs the trace index of the Redis feedback store (option traceIndex or MODELSIGHT_REDIS_TRACE_INDEX=true); it counts as unmatched',
      );
      return Promise.resolve(MISSING);
    }
    if (typeof traceId !== 'string' || traceId.length > MAX_KEY_LENGTH) return Promise.resolve(MISSING);
    return this.takeKey(this.traceKey + traceId, actual, this.predictionKey);
  }

  /**
   * Resolves once every queued prediction has been sent and answered (or given up), at most about twice
   * `timeoutMs` later; at once when Redis is away. The store stays open.
   */
  async flushed(): Promise<void> {
    this.flush(true);
    if (this.inFlight === 0 && (this.queue.size === 0 || this.health !== 'up')) return;
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
  private async writeBeforeEnd(): Promise<void> {
    while (this.health === 'up' && (this.queue.size > 0 || this.inFlight > 0)) await this.flushed();
    if (this.queue.size === 0 && this.inFlight === 0) return;
    const unanswered = this.inFlight > 0 ? ` and ${this.inFlight} batches unanswered` : '';
    throw new Error(
      `${this.queue.size} predictions not sent${unanswered}: Redis unavailable (${String(this.lastError)})`,
    );
  }

  /**
   * Writes what is queued (as {@link flushed}: at most about twice `timeoutMs`), then closes the
   * connection (at most `timeoutMs` more). What could not be written counts as dropped (`unavailable`).
   */
  async close(): Promise<void> {
    if (this.health === 'closed') return;
    this.unregisterPendingWrites();
    await this.flushed();
    this.health = 'closed';
    clearTimeout(this.reconnectTimer);
    for (const source of this.queue.sources.slice(this.queue.head)) source.dropped('unavailable');
    this.queue.advance(this.queue.size);
    try {
      if (this.client.isOpen)
        await Promise.race([
          this.client.close(),
          new Promise((resolve) => setTimeout(resolve, this.options.timeoutMs).unref()),
        ]);
    } catch {
      // closing anyway
    }
    if (this.client.isOpen) this.client.destroy();
  }

  private async takeKey(key: string, actual: string | number | undefined, byTracePrefix: string): Promise<TakeResult> {
    if (this.health !== 'up') return { state: 'unavailable', error: this.lastError };
    // Queued writes go first on the connection, so this replica's own latest predictions are found.
    this.flush(true);
    const kind = actual === undefined ? '' : typeof actual === 'number' ? 'n' : 's';
    let reply: unknown;
    try {
      reply = await this.evaluate(TAKE_SCRIPT, [key, this.modelKey], [kind, byTracePrefix]);
    } catch (error) {
      this.failed(error);
      return { state: 'unavailable', error };
    }
    return this.takeResult(reply, key);
  }

  private takeResult(reply: unknown, key: string): TakeResult {
    const [state, value, model] = Array.isArray(reply) ? (reply as unknown[]) : [];
    if (state === 'missing' && value === undefined) return MISSING;
    if (state === 'ambiguous') return { state: 'ambiguous' };
    const decoded = decodePrediction(value, model);
    if (decoded === undefined || (state !== 'taken' && state !== 'kept' && state !== 'answered')) {
      this.report(
        'corrupt',
        `key ${JSON.stringify(key.slice(0, 200))} in Redis does not hold a prediction of this store; its feedback counts as unmatched (is the key prefix shared with another program?)`,
      );
      return MISSING;
    }
    return { state, prediction: decoded.prediction };
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
  private flush(force: boolean): void {
    if (!force && this.idle.length > 0) {
      if (this.inFlight === 0) this.flush(true);
      return;
    }
    while (this.queue.size > 0 && this.health === 'up' && (force || this.inFlight < MAX_IN_FLIGHT)) this.sendBatch();
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
      keys.push(this.predictionKey + q.ids[i]!);
      const traceId = q.traceIds[i];
      if (traceId !== undefined) traceKeys.push(this.traceKey + traceId);
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
    this.evaluate(WRITE_SCRIPT, [this.modelKey, ...keys, ...traceKeys], [...modelArgs, ...args]).then(
      (reply) => this.written(reply, sources),
      (error: unknown) => {
        this.failed(error);
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
    if (this.inFlight === 0 && (this.queue.size === 0 || this.health !== 'up')) {
      for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  /** `EVALSHA`, and `EVAL` when Redis does not know the script yet (first use, or after a restart). */
  private async evaluate(script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.command(['EVALSHA', script.sha, ...tail]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.command(['EVAL', script.source, ...tail]);
    }
  }

  /** One command, failing with a `TimeoutError` when Redis has not answered within `timeoutMs`. */
  private command(args: string[]): Promise<unknown> {
    const { timeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new Error(`Redis did not answer within ${timeoutMs} ms`);
        error.name = 'TimeoutError';
        reject(error);
        this.reconnect(error);
      }, timeoutMs);
      this.client.sendCommand(args).then(
        (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /**
   * A command failed. An error reply means Redis is there but refused (`LOADING` after a restart,
   * `READONLY`, `NOPERM`…): reported once per kind, the next command tries again. Anything else
   * (time-out, closed connection) means Redis is away until a probe gets an answer.
   */
  private failed(error: unknown): void {
    if (error instanceof ErrorReply) {
      this.lastError = error;
      this.report(
        `reply:${error.message.split(' ')[0]}`,
        `Redis at ${redactUrl(this.options.url)} refused a command of the feedback store: ${error.message}`,
      );
      return;
    }
    this.reconnect(error);
  }

  private markUp(): void {
    if (this.health === 'closed' || this.health === 'up') return;
    const wasDown = this.health === 'down';
    this.health = 'up';
    if (wasDown)
      diag.info(
        `${FEEDBACK_REDIS}: Redis feedback store at ${redactUrl(this.options.url)} answers again; ${this.queue.size} queued predictions are written now`,
      );
    this.flush(false);
  }

  private markDown(error: unknown): void {
    this.lastError = error;
    if (this.health === 'closed' || this.health === 'down') return;
    const wasUp = this.health === 'up';
    this.health = 'down';
    const why =
      error instanceof Error
        ? `${error.name === 'Error' ? error.constructor.name : error.name}: ${error.message}`
        : String(error);
    // Each outage is warned about (not once per cause): an operator needs to see that Redis went away again.
    diag.warn(
      `${FEEDBACK_REDIS}: Redis feedback store at ${redactUrl(this.options.url)} is ${wasUp ? 'unavailable' : 'not reachable yet'} (${why}): ` +
        `predictions wait in a queue of at most ${this.options.maxQueue} (the rest counted in ml_feedback_pending_dropped_total{reason="unavailable"}), ` +
        'feedback counts as ml_feedback_total{ml_feedback_outcome="unavailable"}; retrying',
    );
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private report(cause: string, message: string): void {
    this.reporter.report(cause, message);
  }
}

/**
 * A Redis store for a {@link FeedbackTracker}, shared by every replica of a service. It connects
 * in the background and never throws after checking its options; see {@link RedisFeedbackStore}.
 * ```ts
 * const feedback = new FeedbackTracker({ store: redisFeedbackStore({ url: 'redis://redis:6379' }) });
 * const outcome = await feedback.recordFeedback(predictionId, 'setosa');
 * ```
 * @throws TypeError naming the option or environment variable when one is invalid.
 */
export function redisFeedbackStore(options: RedisFeedbackStoreOptions = {}): RedisFeedbackStore {
  return new RedisFeedbackStore(options);
}
