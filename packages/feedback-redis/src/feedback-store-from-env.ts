import { RedisFeedbackStore } from './redis-feedback-store';
import type { RedisFeedbackStoreOptions } from './redis-store-options';

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
 * @throws TypeError naming `MODELSIGHT_FEEDBACK_STORE` for another value, or the option or
 * variable of the Redis store that is invalid.
 */
export function feedbackStoreFromEnv(
  options: RedisFeedbackStoreOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): RedisFeedbackStore | undefined {
  const raw = env[ENV_FEEDBACK_STORE];
  const kind = raw?.trim().toLowerCase() ?? '';
  if (kind === '' || kind === 'memory') return undefined;
  if (kind === 'redis') return new RedisFeedbackStore(options, env);
  throw new TypeError(
    `modelsight: environment variable ${ENV_FEEDBACK_STORE} must be "memory" or "redis"; got ${JSON.stringify(raw)}`,
  );
}
