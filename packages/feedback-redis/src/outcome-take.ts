import type { OutcomeTakeResult } from '@modelsight/core';
import { ErrorReply } from 'redis';
import { OUTCOME_SCRIPT } from './outcome-script';
import { decodePrediction } from './prediction-codec';
import type { RedisConnection, ReportOnce } from './redis-connection';
import type { StoreKeys } from './write-batcher';

/** Longest prediction ID looked up: longer ones cannot have come from `traced()`. */
const MAX_ID_LENGTH = 512;

const MISSING = Object.freeze({ state: 'missing' as const });

/**
 * The outcome side of the store: takes a (prediction, outcome name) once across every replica,
 * with one atomic script, leaving the prediction itself as it is for its label feedback.
 */
export class OutcomeTake {
  constructor(
    private readonly keys: StoreKeys,
    /** `<prefix>o:`, before a prediction ID: the set of the outcome names a prediction got. */
    private readonly outcomePrefix: string,
    private readonly connection: RedisConnection,
    private readonly report: ReportOnce,
    /** Sends what is queued first, so that this replica's own latest predictions are found. */
    private readonly flushQueued: () => void,
  ) {}

  async takeOutcome(id: string, name: string): Promise<OutcomeTakeResult> {
    if (typeof id !== 'string' || id.length > MAX_ID_LENGTH) return MISSING;
    const connection = this.connection;
    if (!connection.available) return { state: 'unavailable', error: connection.lastError };
    this.flushQueued();
    const key = this.keys.prediction + id;
    let reply: unknown;
    try {
      reply = await connection.evaluate(OUTCOME_SCRIPT, [key, this.keys.model, this.outcomePrefix + id], [name]);
    } catch (error) {
      connection.failed(error);
      return { state: 'unavailable', error };
    }
    const [state, value, model] = Array.isArray(reply) ? (reply as unknown[]) : [];
    if (state === 'missing' && value === undefined) return MISSING;
    if (state === 'refused') {
      const error = new ErrorReply(String(value));
      connection.failed(error);
      return { state: 'unavailable', error };
    }
    const decoded = decodePrediction(value, model);
    if (decoded === undefined || (state !== 'taken' && state !== 'answered')) {
      this.report(
        'corrupt',
        `key ${JSON.stringify(key.slice(0, 200))} in Redis does not hold a prediction of this store; its outcome counts as unmatched (is the key prefix shared with another program?)`,
      );
      return MISSING;
    }
    return { state, prediction: decoded.prediction };
  }
}
