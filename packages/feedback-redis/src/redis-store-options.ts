import type { RedisClientOptions } from 'redis';
import { FEEDBACK_REDIS_ENV_DEFAULTS, feedbackRedisEnv, KEY_PREFIX_CHECK } from './config/env-config';

/** Environment variables by name, as `process.env` holds them. */
type Env = Readonly<Record<string, string | undefined>>;

/** Options of {@link redisFeedbackStore}. Each option wins over its environment variable. */
export interface RedisFeedbackStoreOptions {
  /**
   * The Redis server: `redis[s]://[[user][:password]@]host[:port][/database]`.
   * Env: `MODELSIGHT_REDIS_URL`.
   * @default 'redis://127.0.0.1:6379'
   */
  readonly url?: string;
  /**
   * Nodes of a Redis Cluster to use instead of `url`, as `redis[s]://` URLs: a few are enough, the
   * client reads the whole topology from the first that answers, and again after a failover. Keys
   * are then grouped by hash tag, so that each script touches one slot. Give credentials and TLS in
   * `clientOptions`, which apply to every node. Env: `MODELSIGHT_REDIS_CLUSTER_NODES` (comma-separated,
   * e.g. `redis://10.0.0.1:6379,redis://10.0.0.2:6379`).
   * @default [] (a single Redis at `url`)
   */
  readonly clusterNodes?: readonly string[];
  /**
   * Prefix of every key the store writes, so that several services (or models) can share one
   * Redis without sharing predictions. Replicas of one service must use the same prefix. Short
   * on purpose: the key of each prediction is this prefix, `p:` and the prediction ID, and Redis
   * keeps keys of up to 28 bytes in a smaller allocation.
   * Env: `MODELSIGHT_REDIS_KEY_PREFIX`.
   * @default 'ms:fb:'
   */
  readonly keyPrefix?: string;
  /**
   * Longest wait for Redis, in milliseconds, for a feedback lookup or a batch of writes. A feedback
   * lookup that takes longer counts as `unavailable`; until Redis answers again, lookups do not
   * wait at all. Env: `MODELSIGHT_REDIS_TIMEOUT_MS`.
   * @default 1000
   */
  readonly timeoutMs?: number;
  /**
   * Most predictions waiting in this process to be written (while Redis is slow or away). When
   * full, new predictions are dropped and counted in
   * `ml_feedback_pending_dropped_total{reason="unavailable"}`. Env: `MODELSIGHT_REDIS_MAX_QUEUE`.
   * @default 10000
   */
  readonly maxQueue?: number;
  /**
   * Also index predictions by trace ID, for `recordFeedbackByTraceId`. It doubles the Redis memory
   * per prediction, so it is off unless asked for; without it, feedback by trace ID counts as
   * `unmatched` (reported once). Not available with `clusterNodes`. Env: `MODELSIGHT_REDIS_TRACE_INDEX=true`.
   * @default false
   */
  readonly traceIndex?: boolean;
  /**
   * On Redis Cluster, after each batch of writes, wait (`WAIT 1 <timeoutMs / 50>`, 20 ms by default) until the primary's
   * replica has it too. Redis replicates asynchronously: a primary that dies after acknowledging a
   * batch and before its replica copied it would lose it without anyone knowing. With the wait, a
   * batch whose copy is not confirmed (the primary died) is sent again to the promoted replica, which
   * stores what it lacks. A replica that does not confirm in time (or none) is reported once, and that
   * group of keys is not waited for during the next 10 s. Off by default: `WAIT` holds the connection
   * it is sent on, and on a primary without a replica (one just promoted) the waits of its groups
   * delay feedback lookups behind them past `timeoutMs` on a loaded host. Ignored on a single Redis. Env: `MODELSIGHT_REDIS_WAIT_FOR_REPLICA`.
   * @default false
   */
  readonly waitForReplica?: boolean;
  /**
   * Further options of the node-redis client (`socket.tls`, `username`, `password`, `database`,
   * `name`…). `url` and `timeoutMs` above win over the same settings here; the store always
   * turns the client's offline queue off (its own queue is bounded) and never lets the connection
   * keep the process alive.
   * @default {}
   */
  readonly clientOptions?: RedisClientOptions;
}

/** The options once checked and resolved against the environment (`RedisFeedbackStore.options`). */
export interface ResolvedRedisStoreOptions {
  /** {@link RedisFeedbackStoreOptions.url} in effect. */
  readonly url: string;
  /** {@link RedisFeedbackStoreOptions.clusterNodes} in effect: empty for a single Redis. */
  readonly clusterNodes: readonly string[];
  /** {@link RedisFeedbackStoreOptions.keyPrefix} in effect. */
  readonly keyPrefix: string;
  /** {@link RedisFeedbackStoreOptions.timeoutMs} in effect. */
  readonly timeoutMs: number;
  /** {@link RedisFeedbackStoreOptions.maxQueue} in effect. */
  readonly maxQueue: number;
  /** {@link RedisFeedbackStoreOptions.traceIndex} in effect. */
  readonly traceIndex: boolean;
  /** {@link RedisFeedbackStoreOptions.waitForReplica} in effect: always false on a single Redis. */
  readonly waitForReplica: boolean;
  /** {@link RedisFeedbackStoreOptions.clientOptions} as given (`{}` when none). */
  readonly clientOptions: RedisClientOptions;
}

/** Default of {@link RedisFeedbackStoreOptions.url}. */
export const DEFAULT_REDIS_URL = FEEDBACK_REDIS_ENV_DEFAULTS.MODELSIGHT_REDIS_URL;
/** Default of {@link RedisFeedbackStoreOptions.keyPrefix}. */
export const DEFAULT_KEY_PREFIX = FEEDBACK_REDIS_ENV_DEFAULTS.MODELSIGHT_REDIS_KEY_PREFIX;
/** Default of {@link RedisFeedbackStoreOptions.timeoutMs}, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = FEEDBACK_REDIS_ENV_DEFAULTS.MODELSIGHT_REDIS_TIMEOUT_MS;
/** Default of {@link RedisFeedbackStoreOptions.maxQueue}. */
export const DEFAULT_MAX_QUEUE = FEEDBACK_REDIS_ENV_DEFAULTS.MODELSIGHT_REDIS_MAX_QUEUE;

/** Environment variable of {@link RedisFeedbackStoreOptions.url}. */
export const ENV_REDIS_URL = 'MODELSIGHT_REDIS_URL';
/** Environment variable of {@link RedisFeedbackStoreOptions.clusterNodes} (comma-separated URLs). */
export const ENV_CLUSTER_NODES = 'MODELSIGHT_REDIS_CLUSTER_NODES';
/** Environment variable of {@link RedisFeedbackStoreOptions.keyPrefix}. */
export const ENV_KEY_PREFIX = 'MODELSIGHT_REDIS_KEY_PREFIX';
/** Environment variable of {@link RedisFeedbackStoreOptions.timeoutMs}. */
export const ENV_TIMEOUT_MS = 'MODELSIGHT_REDIS_TIMEOUT_MS';
/** Environment variable of {@link RedisFeedbackStoreOptions.maxQueue}. */
export const ENV_MAX_QUEUE = 'MODELSIGHT_REDIS_MAX_QUEUE';
/** Environment variable of {@link RedisFeedbackStoreOptions.traceIndex} (`true` or `false`). */
export const ENV_TRACE_INDEX = 'MODELSIGHT_REDIS_TRACE_INDEX';
/** Environment variable of {@link RedisFeedbackStoreOptions.waitForReplica} (`true` or `false`). */
export const ENV_WAIT_FOR_REPLICA = 'MODELSIGHT_REDIS_WAIT_FOR_REPLICA';

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function fail(option: string, value: unknown, expected: string): never {
  throw new TypeError(`modelsight redisFeedbackStore: option ${option} must be ${expected}; got ${show(value)}`);
}

function positiveInteger(option: string, value: unknown, fromEnv: number): number {
  if (value === undefined) return fromEnv;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) fail(option, value, 'a positive integer');
  return value;
}

function text(
  option: string,
  value: unknown,
  fromEnv: string,
  check: (s: string) => boolean,
  expected: string,
): string {
  if (value === undefined) return fromEnv;
  if (typeof value !== 'string' || !check(value)) fail(option, value, expected);
  return value;
}

const REDIS_URL = /^rediss?:\/\/[^\s,]*$/;

function urlList(option: string, value: unknown, fromEnv: readonly string[]): readonly string[] {
  if (value === undefined) return fromEnv;
  if (!Array.isArray(value) || value.length === 0 || !value.every((s) => typeof s === 'string' && REDIS_URL.test(s)))
    fail(option, value, 'an array of redis:// or rediss:// URLs');
  return Object.freeze([...(value as string[])]);
}

/**
 * Checks the options and resolves them against the environment: option > env var > default. A bad option
 * throws naming it; a bad variable is warned about once (naming it, the value and the default) and its
 * default used, as every variable of modelsight.
 */
export function resolveRedisStoreOptions(
  options: RedisFeedbackStoreOptions = {},
  env?: Env,
): ResolvedRedisStoreOptions {
  if (options === null || typeof options !== 'object') fail('options', options, 'an object');
  const clientOptions = options.clientOptions ?? {};
  if (clientOptions === null || typeof clientOptions !== 'object')
    fail('clientOptions', clientOptions, 'an object of node-redis client options');
  const traceIndexOption = options.traceIndex;
  if (traceIndexOption !== undefined && typeof traceIndexOption !== 'boolean')
    fail('traceIndex', traceIndexOption, 'a boolean');
  const fromEnv = feedbackRedisEnv(env);
  const clusterNodes = urlList('clusterNodes', options.clusterNodes, fromEnv.MODELSIGHT_REDIS_CLUSTER_NODES);
  const traceIndex = traceIndexOption ?? fromEnv.MODELSIGHT_REDIS_TRACE_INDEX;
  if (options.waitForReplica !== undefined && typeof options.waitForReplica !== 'boolean')
    fail('waitForReplica', options.waitForReplica, 'a boolean');
  const waitForReplica = options.waitForReplica ?? fromEnv.MODELSIGHT_REDIS_WAIT_FOR_REPLICA;
  // Not a bad value but two settings that contradict each other: the store could not keep its promise.
  if (traceIndex && clusterNodes.length > 0)
    throw new TypeError(
      `modelsight redisFeedbackStore: the trace index (option traceIndex or ${ENV_TRACE_INDEX}) is not available on Redis Cluster (option clusterNodes or ${ENV_CLUSTER_NODES}); got both`,
    );
  return {
    url: text(
      'url',
      options.url,
      fromEnv.MODELSIGHT_REDIS_URL,
      (s) => /^rediss?:\/\/[^\s]*$/.test(s),
      'a redis:// or rediss:// URL',
    ),
    clusterNodes,
    keyPrefix: text(
      'keyPrefix',
      options.keyPrefix,
      fromEnv.MODELSIGHT_REDIS_KEY_PREFIX,
      KEY_PREFIX_CHECK.test,
      KEY_PREFIX_CHECK.expected,
    ),
    timeoutMs: positiveInteger('timeoutMs', options.timeoutMs, fromEnv.MODELSIGHT_REDIS_TIMEOUT_MS),
    maxQueue: positiveInteger('maxQueue', options.maxQueue, fromEnv.MODELSIGHT_REDIS_MAX_QUEUE),
    traceIndex,
    waitForReplica: waitForReplica && clusterNodes.length > 0,
    clientOptions,
  };
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** Where the store keeps its data, for messages: the URL, or the cluster's nodes, without passwords. */
export function storeAddress(options: ResolvedRedisStoreOptions): string {
  if (options.clusterNodes.length === 0) return redactUrl(options.url);
  return `cluster ${options.clusterNodes.map(redactUrl).join(',')}`;
}
