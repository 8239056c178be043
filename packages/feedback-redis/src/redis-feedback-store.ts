import { ReportOnce } from '@modelsight/internal';

import { FEEDBACK_REDIS } from './config/env-config';
import { diag } from '@opentelemetry/api';
import {
  registerPendingWrites,
  type FeedbackStore,
  type OutcomeTakeResult,
  type PendingPrediction,
  type TakeResult,
} from '@modelsight/core';
import { clusterLayout, singleLayout } from './key-layout';
import { OutcomeTake } from './outcome-take';
import { PredictionTake } from './prediction-take';
import { RedisConnection } from './redis-connection';
import {
  resolveRedisStoreOptions,
  storeAddress,
  type RedisFeedbackStoreOptions,
  type ResolvedRedisStoreOptions,
} from './redis-store-options';
import { WriteBatcher } from './write-batcher';

/** Environment variables by name, as `process.env` holds them. */
type Env = Readonly<Record<string, string | undefined>>;

const MISSING: TakeResult = Object.freeze({ state: 'missing' });

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
  private readonly connection: RedisConnection;
  private readonly batcher: WriteBatcher;
  private readonly taker: PredictionTake;
  private readonly outcomes: OutcomeTake;
  private readonly reporter = new ReportOnce(FEEDBACK_REDIS);
  private readonly unregisterPendingWrites: () => void;
  /** The URL or cluster nodes, for messages. */
  private readonly where: string;

  /** @throws TypeError naming the option or environment variable when one is invalid. */
  constructor(options: RedisFeedbackStoreOptions = {}, env?: Env) {
    this.options = resolveRedisStoreOptions(options, env);
    this.where = storeAddress(this.options);
    const { keyPrefix } = this.options;
    const keys = this.options.clusterNodes.length > 0 ? clusterLayout(keyPrefix) : singleLayout(keyPrefix);
    const report = (cause: string, message: string) => this.report(cause, message);
    this.connection = new RedisConnection(
      this.options,
      {
        up: (wasDown) => {
          if (wasDown)
            diag.info(
              `${FEEDBACK_REDIS}: Redis feedback store at ${this.where} answers again; ${this.batcher.queued} queued predictions are written now`,
            );
          this.batcher.resumed();
        },
        down: () => this.batcher.stopped(),
      },
      report,
    );
    this.batcher = new WriteBatcher(this.options, keys, this.connection, report);
    this.taker = new PredictionTake(this.options.timeoutMs, keys, this.connection, report, () =>
      this.batcher.flush(true),
    );
    this.outcomes = new OutcomeTake(this.options.timeoutMs, keys, this.connection, report, () =>
      this.batcher.flush(true),
    );
    // The preload's shutdown on SIGTERM (or the app's own flushPendingWrites()) writes the queue, so
    // that the last predictions before a service ends are not lost to their feedback.
    this.unregisterPendingWrites = registerPendingWrites(`Redis feedback store at ${this.where}`, () =>
      this.batcher.writeBeforeEnd(),
    );
  }

  /** Whether Redis answers now (the last command or probe succeeded). */
  get available(): boolean {
    return this.connection.available;
  }

  /** Predictions waiting in this process to be written. */
  get queued(): number {
    return this.batcher.queued;
  }

  add(prediction: PendingPrediction): void {
    this.batcher.add(prediction);
  }

  take(id: string, actual: string | number | undefined): Promise<TakeResult> {
    return this.taker.take(id, actual);
  }

  takeByTraceId(traceId: string, actual: string | number | undefined): Promise<TakeResult> {
    if (!this.options.traceIndex) {
      this.report(
        'trace-index',
        'feedback by trace ID needs the trace index of the Redis feedback store (option traceIndex or MODELSIGHT_REDIS_TRACE_INDEX=true); it counts as unmatched',
      );
      return Promise.resolve(MISSING);
    }
    return this.taker.takeByTraceId(traceId, actual);
  }

  /**
   * Takes the business outcome `name` of a prediction made by any replica, once per (prediction,
   * name) across all of them (one atomic script), leaving the prediction waiting for its label
   * feedback. The names taken are kept in a set beside the prediction (`<keyPrefix>o:<id>`; on Redis
   * Cluster `<keyPrefix>{<tag>}o:<id>`, in the prediction's hash slot) that expires with it.
   */
  takeOutcome(id: string, name: string): Promise<OutcomeTakeResult> {
    return this.outcomes.takeOutcome(id, name);
  }

  /**
   * Resolves once every queued prediction has been sent and answered (or given up), at most about twice
   * `timeoutMs` later; at once when Redis is away. The store stays open.
   */
  flushed(): Promise<void> {
    return this.batcher.flushed();
  }

  /**
   * Writes what is queued (as {@link flushed}: at most about twice `timeoutMs`), then closes the
   * connection (at most `timeoutMs` more). What could not be written counts as dropped (`unavailable`).
   */
  async close(): Promise<void> {
    if (this.connection.closed) return;
    this.unregisterPendingWrites();
    await this.batcher.flushed();
    const closing = this.connection.close();
    this.batcher.dropQueued();
    await closing;
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
