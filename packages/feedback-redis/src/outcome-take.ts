import type { OutcomeTakeResult } from '@modelsight/core';
import { ErrorReply } from 'redis';
import type { KeyLayout } from './key-layout';
import { OUTCOME_SCRIPT } from './outcome-script';
import { decodePrediction } from './prediction-codec';
import type { ReportOnce, StoreConnection } from './redis-connection';

/** Longest prediction ID looked up: longer ones cannot have come from `traced()`. */
const MAX_ID_LENGTH = 512;

const MISSING = Object.freeze({ state: 'missing' as const });

/**
 * The key of the set of outcome names of a prediction: its prediction key with `p:` turned into
 * `o:` (`<prefix>o:<id>`, or `<prefix>{<tag>}o:<id>` on Redis Cluster), so that both keys share a
 * hash slot and one script touches them together.
 */
export function outcomeKeyOf(predictionKey: string, id: string): string {
  return `${predictionKey.slice(0, predictionKey.length - id.length - 2)}o:${id}`;
}

/**
 * The outcome side of the store: takes a (prediction, outcome name) once across every replica,
 * with one atomic script, leaving the prediction itself as it is for its label feedback.
 *
 * As for feedback lookups, an outcome is never both given up and counted in Redis: the script gets
 * a deadline half of `timeoutMs` after the lookup starts, and Redis refuses past it; the outcome is
 * then `unavailable` here and still free to be reported again.
 */
export class OutcomeTake {
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

  async takeOutcome(id: string, name: string): Promise<OutcomeTakeResult> {
    if (typeof id !== 'string' || id.length > MAX_ID_LENGTH) return MISSING;
    const connection = this.connection;
    if (!connection.available) return { state: 'unavailable', error: connection.lastError };
    this.flushQueued();
    const group = this.keys.groupOf(id);
    const key = this.keys.prediction(id, group);
    const start = Date.now();
    let reply: unknown;
    try {
      reply = await connection.evaluate(
        OUTCOME_SCRIPT,
        [key, this.keys.model(group), outcomeKeyOf(key, id)],
        [name, String(start + this.window)],
      );
    } catch (error) {
      connection.failed(error);
      return { state: 'unavailable', error };
    }
    const [state, value, model] = Array.isArray(reply) ? (reply as unknown[]) : [];
    if (state === 'missing' && value === undefined) return MISSING;
    if (state === 'late') {
      const error = new Error(
        `Redis ran an outcome lookup ${Number(value) - start} ms after it was sent by this host's clock, past its deadline of ${this.window} ms (half of timeoutMs)`,
      );
      this.report('outcome-late', `${error.message}: the outcome counts as unavailable, and can be reported again`);
      return { state: 'unavailable', error };
    }
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
