export { RedisFeedbackStore, redisFeedbackStore } from './redis-feedback-store';
export { feedbackStoreFromEnv, ENV_FEEDBACK_STORE } from './feedback-store-from-env';
export {
  DEFAULT_KEY_PREFIX,
  DEFAULT_MAX_QUEUE,
  DEFAULT_REDIS_URL,
  DEFAULT_TIMEOUT_MS,
  ENV_CLUSTER_NODES,
  ENV_KEY_PREFIX,
  ENV_MAX_QUEUE,
  ENV_REDIS_URL,
  ENV_TIMEOUT_MS,
  ENV_TRACE_INDEX,
  ENV_WAIT_FOR_REPLICA,
} from './redis-store-options';
export type { RedisFeedbackStoreOptions, ResolvedRedisStoreOptions } from './redis-store-options';
