import { feedbackRedisEnv } from './config/env-config';
import { RedisFeedbackStore } from './redis-feedback-store';
import type { RedisFeedbackStoreOptions } from './redis-store-options';

/** Environment variables by name, as `process.env` holds them. */
type Env = Readonly<Record<string, string | undefined>>;

/** The environment variable {@link feedbackStoreFromEnv} reads: `redis`, or `memory` (the default, also when unset or empty). */
export const ENV_FEEDBACK_STORE = 'MODELSIGHT_FEEDBACK_STORE';

/**
 * The feedback store the environment asks for, to pass as a tracker's `store`:
 * `MODELSIGHT_FEEDBACK_STORE=redis` gives a {@link RedisFeedbackStore} (configured by `options`,
 * then `MODELSIGHT_REDIS_URL`, `MODELSIGHT_REDIS_KEY_PREFIX`…); unset, empty or `memory` gives
 * `undefined`, the tracker's own in-process store. One line runs a service either way:
 * ```ts
 * const feedback = new FeedbackTracker({ model, store: feedbackStoreFromEnv() });
 * const outcome = await feedback.recordFeedback(predictionId, label); // await works for both stores
 * ```
 * Another value of `MODELSIGHT_FEEDBACK_STORE` (or of a Redis variable) is warned about once and its
 * default used, as every variable of modelsight.
 * @throws TypeError naming the option of the Redis store that is invalid.
 */
export function feedbackStoreFromEnv(
  options: RedisFeedbackStoreOptions = {},
  env?: Env,
): RedisFeedbackStore | undefined {
  return feedbackRedisEnv(env).MODELSIGHT_FEEDBACK_STORE === 'redis' ? new RedisFeedbackStore(options, env) : undefined;
}
