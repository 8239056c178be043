import {
  type Env,
  envSource,
  processEnv,
  readBoolean,
  readEnum,
  readInteger,
  readString,
  readUrl,
  readValue,
} from '@modelsight/internal';

/** The package's name, the prefix of its warnings. */
export const FEEDBACK_REDIS = '@modelsight/feedback-redis';

/** A prefix of printable characters keeps the keys readable in redis-cli and out of other programs' ways. */
export const KEY_PREFIX_CHECK = {
  test: (value: string) => /^[\x21-\x7e]{1,128}$/.test(value),
  expected: 'a non-empty string of at most 128 printable characters without spaces',
};

/** The store kinds of `MODELSIGHT_FEEDBACK_STORE`. */
export const STORE_KINDS = ['memory', 'redis'] as const;

/** Every variable of the package, resolved: the value, or the default when unset or bad (with one warning). */
export interface FeedbackRedisEnv {
  MODELSIGHT_FEEDBACK_STORE: (typeof STORE_KINDS)[number];
  MODELSIGHT_REDIS_URL: string;
  MODELSIGHT_REDIS_CLUSTER_NODES: readonly string[];
  MODELSIGHT_REDIS_KEY_PREFIX: string;
  MODELSIGHT_REDIS_TIMEOUT_MS: number;
  MODELSIGHT_REDIS_MAX_QUEUE: number;
  MODELSIGHT_REDIS_TRACE_INDEX: boolean;
  MODELSIGHT_REDIS_WAIT_FOR_REPLICA: boolean;
}

/** Every environment variable of `@modelsight/feedback-redis`, with its default. */
export const FEEDBACK_REDIS_ENV_DEFAULTS: Readonly<FeedbackRedisEnv> = Object.freeze({
  MODELSIGHT_FEEDBACK_STORE: 'memory',
  MODELSIGHT_REDIS_URL: 'redis://127.0.0.1:6379',
  MODELSIGHT_REDIS_CLUSTER_NODES: [],
  MODELSIGHT_REDIS_KEY_PREFIX: 'ms:fb:',
  MODELSIGHT_REDIS_TIMEOUT_MS: 1000,
  MODELSIGHT_REDIS_MAX_QUEUE: 10_000,
  MODELSIGHT_REDIS_TRACE_INDEX: false,
  MODELSIGHT_REDIS_WAIT_FOR_REPLICA: false,
});

/** Reads every variable of the package, with the shared policy: a bad value is warned about once, the default used. */
export function feedbackRedisEnv(vars: Env = processEnv()): FeedbackRedisEnv {
  const source = envSource(FEEDBACK_REDIS, vars);
  const d = FEEDBACK_REDIS_ENV_DEFAULTS;
  return {
    MODELSIGHT_FEEDBACK_STORE: readEnum(source, 'MODELSIGHT_FEEDBACK_STORE', STORE_KINDS, d.MODELSIGHT_FEEDBACK_STORE),
    MODELSIGHT_REDIS_URL: readUrl(source, 'MODELSIGHT_REDIS_URL', d.MODELSIGHT_REDIS_URL, {
      protocols: ['redis:', 'rediss:'],
    }),
    MODELSIGHT_REDIS_CLUSTER_NODES: readValue(
      source,
      'MODELSIGHT_REDIS_CLUSTER_NODES',
      d.MODELSIGHT_REDIS_CLUSTER_NODES,
      (value) => {
        const urls = value.split(',').map((url) => url.trim());
        return urls.every((url) => /^rediss?:\/\/[^\s,]+$/.test(url)) ? urls : undefined;
      },
      'comma-separated redis:// or rediss:// URLs',
    ),
    MODELSIGHT_REDIS_KEY_PREFIX: readString(
      source,
      'MODELSIGHT_REDIS_KEY_PREFIX',
      d.MODELSIGHT_REDIS_KEY_PREFIX,
      KEY_PREFIX_CHECK,
    ),
    MODELSIGHT_REDIS_TIMEOUT_MS: readInteger(source, 'MODELSIGHT_REDIS_TIMEOUT_MS', d.MODELSIGHT_REDIS_TIMEOUT_MS),
    MODELSIGHT_REDIS_MAX_QUEUE: readInteger(source, 'MODELSIGHT_REDIS_MAX_QUEUE', d.MODELSIGHT_REDIS_MAX_QUEUE),
    MODELSIGHT_REDIS_TRACE_INDEX: readBoolean(source, 'MODELSIGHT_REDIS_TRACE_INDEX', d.MODELSIGHT_REDIS_TRACE_INDEX),
    MODELSIGHT_REDIS_WAIT_FOR_REPLICA: readBoolean(
      source,
      'MODELSIGHT_REDIS_WAIT_FOR_REPLICA',
      d.MODELSIGHT_REDIS_WAIT_FOR_REPLICA,
    ),
  };
}
