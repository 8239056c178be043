import type { TakeResult } from '@modelsight/core';
import { decodePrediction } from './prediction-codec';
import type { RedisConnection, ReportOnce } from './redis-connection';
import { TAKE_SCRIPT } from './redis-scripts';
import type { StoreKeys } from './write-batcher';

/** Longest prediction ID or trace ID looked up: longer ones cannot have come from `traced()`. */
const MAX_KEY_LENGTH = 512;

const MISSING: TakeResult = Object.freeze({ state: 'missing' });

/**
 * The feedback side of the store: takes a prediction for its feedback with one atomic script, so
 * that only the first feedback on any replica uses it.
 */
export class PredictionTake {
  constructor(
    private readonly keys: StoreKeys,
    private readonly connection: RedisConnection,
    private readonly report: ReportOnce,
    /** Sends what is queued first, so that this replica's own latest predictions are found. */
    private readonly flushQueued: () => void,
  ) {}

  take(id: string, actual: string | number | undefined): Promise<TakeResult> {
    if (typeof id !== 'string' || id.length > MAX_KEY_LENGTH) return Promise.resolve(MISSING);
    return this.takeKey(this.keys.prediction + id, actual, '');
  }

  takeByTraceId(traceId: string, actual: string | number | undefined): Promise<TakeResult> {
    if (typeof traceId !== 'string' || traceId.length > MAX_KEY_LENGTH) return Promise.resolve(MISSING);
    return this.takeKey(this.keys.trace + traceId, actual, this.keys.prediction);
  }

  private async takeKey(key: string, actual: string | number | undefined, byTracePrefix: string): Promise<TakeResult> {
    const connection = this.connection;
    if (!connection.available) return { state: 'unavailable', error: connection.lastError };
    // Queued writes go first on the connection, so this replica's own latest predictions are found.
    this.flushQueued();
    const kind = actual === undefined ? '' : typeof actual === 'number' ? 'n' : 's';
    let reply: unknown;
    try {
      reply = await connection.evaluate(TAKE_SCRIPT, [key, this.keys.model], [kind, byTracePrefix]);
    } catch (error) {
      connection.failed(error);
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
}
