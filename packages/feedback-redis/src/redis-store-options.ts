import type { RedisClientOptions } from 'redis';

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
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** Default of {@link RedisFeedbackStoreOptions.keyPrefix}. */
export const DEFAULT_KEY_PREFIX = 'ms:fb:';
/** Default of {@link RedisFeedbackStoreOptions.timeoutMs}, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 1000;
/** Default of {@link RedisFeedbackStoreOptions.maxQueue}. */
export const DEFAULT_MAX_QUEUE = 10_000;

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

function fail(option: string, envName: string, fromEnv: boolean, value: unknown, expected: string): never {
  const what = fromEnv ? `environment variable ${envName}` : `option ${option}`;
  throw new TypeError(`modelsight redisFeedbackStore: ${what} must be ${expected}; got ${show(value)}`);
}

function pick(value: unknown, envName: string, env: NodeJS.ProcessEnv): { raw: unknown; fromEnv: boolean } {
  if (value !== undefined) return { raw: value, fromEnv: false };
  const raw = env[envName]?.trim();
  return { raw: raw === '' ? undefined : raw, fromEnv: true };
}

function positiveInteger(
  option: string,
  value: unknown,
  envName: string,
  env: NodeJS.ProcessEnv,
  fallback: number,
): number {
  const { raw, fromEnv } = pick(value, envName, env);
  if (raw === undefined) return fallback;
  const parsed = fromEnv ? Number(raw) : raw;
  if (typeof parsed !== 'number' || !Number.isSafeInteger(parsed) || parsed < 1)
    fail(option, envName, fromEnv, raw, 'a positive integer');
  return parsed;
}

function text(
  option: string,
  value: unknown,
  envName: string,
  env: NodeJS.ProcessEnv,
  fallback: string,
  check: (s: string) => boolean,
  expected: string,
): string {
  const { raw, fromEnv } = pick(value, envName, env);
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !check(raw)) fail(option, envName, fromEnv, raw, expected);
  return raw;
}

function flag(option: string, value: unknown, envName: string, env: NodeJS.ProcessEnv, byDefault = false): boolean {
  const { raw, fromEnv } = pick(value, envName, env);
  if (raw === undefined) return byDefault;
  if (typeof raw === 'boolean') return raw;
  if (fromEnv && typeof raw === 'string' && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
  return fail(option, envName, fromEnv, raw, fromEnv ? '"true" or "false"' : 'a boolean');
}

const REDIS_URL = /^rediss?:\/\/[^\s,]*$/;

function urlList(option: string, value: unknown, envName: string, env: NodeJS.ProcessEnv): readonly string[] {
  const { raw, fromEnv } = pick(value, envName, env);
  if (raw === undefined) return [];
  const expected = fromEnv ? 'comma-separated redis:// or rediss:// URLs' : 'an array of redis:// or rediss:// URLs';
  const list = fromEnv && typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : raw;
  if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === 'string' && REDIS_URL.test(s)))
    fail(option, envName, fromEnv, raw, expected);
  return Object.freeze([...(list as string[])]);
}

/** Checks the options and resolves them against the environment: option > env var > default. */
export function resolveRedisStoreOptions(
  options: RedisFeedbackStoreOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedRedisStoreOptions {
  if (options === null || typeof options !== 'object') fail('options', '', false, options, 'an object');
  const clientOptions = options.clientOptions ?? {};
  if (clientOptions === null || typeof clientOptions !== 'object')
    fail('clientOptions', '', false, clientOptions, 'an object of node-redis client options');
  const clusterNodes = urlList('clusterNodes', options.clusterNodes, ENV_CLUSTER_NODES, env);
  const traceIndex = flag('traceIndex', options.traceIndex, ENV_TRACE_INDEX, env);
  if (traceIndex && clusterNodes.length > 0)
    throw new TypeError(
      `modelsight redisFeedbackStore: the trace index (option traceIndex or ${ENV_TRACE_INDEX}) is not available on Redis Cluster (option clusterNodes or ${ENV_CLUSTER_NODES}); got both`,
    );
  return {
    url: text(
      'url',
      options.url,
      ENV_REDIS_URL,
      env,
      DEFAULT_REDIS_URL,
      (s) => /^rediss?:\/\/[^\s]*$/.test(s),
      'a redis:// or rediss:// URL',
    ),
    clusterNodes,
    // A prefix of printable characters keeps the keys readable in redis-cli and out of other programs' ways.
    keyPrefix: text(
      'keyPrefix',
      options.keyPrefix,
      ENV_KEY_PREFIX,
      env,
      DEFAULT_KEY_PREFIX,
      (s) => /^[\x21-\x7e]{1,128}$/.test(s),
      'a non-empty string of at most 128 printable characters without spaces',
    ),
    timeoutMs: positiveInteger('timeoutMs', options.timeoutMs, ENV_TIMEOUT_MS, env, DEFAULT_TIMEOUT_MS),
    maxQueue: positiveInteger('maxQueue', options.maxQueue, ENV_MAX_QUEUE, env, DEFAULT_MAX_QUEUE),
    traceIndex,
    waitForReplica:
      flag('waitForReplica', options.waitForReplica, ENV_WAIT_FOR_REPLICA, env) && clusterNodes.length > 0,
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
