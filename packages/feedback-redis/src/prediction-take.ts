import type { TakeResult } from '@modelsight/core';
import { decodePrediction } from './prediction-codec';
import type { KeyLayout } from './key-layout';
import type { ReportOnce, StoreConnection } from './redis-connection';
import { TAKE_SCRIPT } from './redis-scripts';

/** Longest prediction ID or trace ID looked up: longer ones cannot have come from `traced()`. */
const MAX_KEY_LENGTH = 512;

const MISSING: TakeResult = Object.freeze({ state: 'missing' });

/**
 * The feedback side of the store: takes a prediction for its feedback with one atomic script, so
 * that only the first feedback on any replica uses it.
 *
 * A lookup is never both given up and applied: the script gets a deadline, half of `timeoutMs` after
 * the lookup starts, and Redis refuses to take the prediction once its own clock (`TIME`) is past it.
 * The lookup itself waits `timeoutMs`: the other half leaves room for the answer of a script that ran
 * just in time to come back, and for the clocks of this host and Redis to differ (NTP keeps them
 * within milliseconds). Should Redis's clock run ahead by more, lookups are refused early and counted
 * `unavailable` (reported once, with the difference); should it run behind by more, a lookup could be
 * taken after this process gave up on it.
 */
export class PredictionTake {
  private readonly window: number;

  constructor(
    timeoutMs: number,
    private readonly keys: KeyLayout,
    private readonly connection: StoreConnection,
    private readonly report: ReportOnce,
    /** Sends what is queued first, so that this replica's own latest predictions are found. */
    private readonly flushQueued: () => void,
  ) {
    this.window = Math.floor(timeoutMs / 2);
  }

  take(id: string, actual: string | number | undefined): Promise<TakeResult> {
    if (typeof id !== 'string' || id.length > MAX_KEY_LENGTH) return Promise.resolve(MISSING);
    return this.takeKey(this.keys.prediction(id, this.keys.groupOf(id)), this.keys.groupOf(id), actual, '');
  }

  takeByTraceId(traceId: string, actual: string | number | undefined): Promise<TakeResult> {
    if (typeof traceId !== 'string' || traceId.length > MAX_KEY_LENGTH) return Promise.resolve(MISSING);
    return this.takeKey(this.keys.trace(traceId), 0, actual, this.keys.predictionPrefix);
  }

  private async takeKey(
    key: string,
    group: number,
    actual: string | number | undefined,
    byTracePrefix: string,
  ): Promise<TakeResult> {
    const connection = this.connection;
    if (!connection.available) return { state: 'unavailable', error: connection.lastError };
    // Queued writes go first on the connection, so this replica's own latest predictions are found.
    this.flushQueued();
    const kind = actual === undefined ? '' : typeof actual === 'number' ? 'n' : 's';
    const start = Date.now();
    let reply: unknown;
    try {
      reply = await connection.evaluate(
        TAKE_SCRIPT,
        [key, this.keys.model(group)],
        [kind, byTracePrefix, String(start + this.window)],
      );
    } catch (error) {
      connection.failed(error);
      return { state: 'unavailable', error };
    }
    if (Array.isArray(reply) && reply[0] === 'late') return this.late(start, Number(reply[1]));
    return this.takeResult(reply, key);
  }

  /** Redis started the script after its deadline, yet answered while this process still waited. */
  private late(start: number, redisNow: number): TakeResult {
    const ahead = redisNow - start;
    const error = new Error(
      `Redis ran a feedback lookup ${ahead} ms after it was sent by this host's clock, past its deadline of ${this.window} ms (half of timeoutMs)`,
    );
    this.report(
      'late',
      `${error.message}: Redis is slow, or its clock runs ahead of this host's; the feedback counts as unavailable, and the prediction keeps waiting for it`,
    );
    return { state: 'unavailable', error };
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
}
