import { captureDiag } from '@modelsight/test-support';
import { expect, test } from 'vitest';
import { feedbackStoreFromEnv } from '../src/feedback-store-from-env';
import { redactUrl, resolveRedisStoreOptions } from '../src/redis-store-options';

test('without options or environment the store talks to a local Redis under the ms:fb: prefix', () => {
  expect(resolveRedisStoreOptions({}, {})).toEqual({
    url: 'redis://127.0.0.1:6379',
    clusterNodes: [],
    keyPrefix: 'ms:fb:',
    timeoutMs: 1000,
    maxQueue: 10_000,
    traceIndex: false,
    waitForReplica: false,
    clientOptions: {},
  });
});

test('on Redis Cluster write batches wait for a replica when asked; a single Redis never waits', () => {
  const nodes = ['redis://10.0.0.1:6379'];
  expect(resolveRedisStoreOptions({ clusterNodes: nodes }, {}).waitForReplica).toBe(false);
  expect(
    resolveRedisStoreOptions({ clusterNodes: nodes }, { MODELSIGHT_REDIS_WAIT_FOR_REPLICA: 'true' }).waitForReplica,
  ).toBe(true);
  expect(
    resolveRedisStoreOptions(
      { clusterNodes: nodes, waitForReplica: false },
      { MODELSIGHT_REDIS_WAIT_FOR_REPLICA: 'true' },
    ).waitForReplica,
  ).toBe(false);
  expect(resolveRedisStoreOptions({ waitForReplica: true }, {}).waitForReplica).toBe(false);
  const diag = captureDiag();
  expect(
    resolveRedisStoreOptions({ clusterNodes: nodes }, { MODELSIGHT_REDIS_WAIT_FOR_REPLICA: 'yes' }).waitForReplica,
  ).toBe(false);
  expect(diag.warnings).toEqual([
    '@modelsight/feedback-redis: MODELSIGHT_REDIS_WAIT_FOR_REPLICA="yes" is not valid (expected true or false); using false',
  ]);
});

test('environment variables configure the store, and options win over them', () => {
  const env = {
    MODELSIGHT_REDIS_URL: 'rediss://user:secret@redis.internal:6380/2',
    MODELSIGHT_REDIS_KEY_PREFIX: 'iris:',
    MODELSIGHT_REDIS_TIMEOUT_MS: '250',
    MODELSIGHT_REDIS_MAX_QUEUE: '500',
    MODELSIGHT_REDIS_TRACE_INDEX: 'TRUE',
  };
  expect(resolveRedisStoreOptions({}, env)).toMatchObject({
    url: env.MODELSIGHT_REDIS_URL,
    keyPrefix: 'iris:',
    timeoutMs: 250,
    maxQueue: 500,
    traceIndex: true,
  });
  expect(resolveRedisStoreOptions({ keyPrefix: 'other:', timeoutMs: 50, traceIndex: false }, env)).toMatchObject({
    keyPrefix: 'other:',
    timeoutMs: 50,
    traceIndex: false,
  });
});

test('an invalid option throws a TypeError naming the option and the value', () => {
  expect(() => resolveRedisStoreOptions({ url: 'http://redis:6379' }, {})).toThrow(
    'option url must be a redis:// or rediss:// URL; got "http://redis:6379"',
  );
  expect(() => resolveRedisStoreOptions({ timeoutMs: 0 }, {})).toThrow(
    'option timeoutMs must be a positive integer; got 0',
  );
  expect(() => resolveRedisStoreOptions({ maxQueue: 1.5 }, {})).toThrow(
    'option maxQueue must be a positive integer; got 1.5',
  );
  expect(() => resolveRedisStoreOptions({ keyPrefix: 'with space' }, {})).toThrow('option keyPrefix must be');
  expect(() => resolveRedisStoreOptions({ traceIndex: 'yes' as never }, {})).toThrow(
    'option traceIndex must be a boolean; got "yes"',
  );
});

test('an invalid environment variable is warned about once, naming the variable, the value and the default used', () => {
  const diag = captureDiag();
  expect(
    resolveRedisStoreOptions({}, { MODELSIGHT_REDIS_TIMEOUT_MS: 'soon', MODELSIGHT_REDIS_TRACE_INDEX: '1' }),
  ).toMatchObject({ timeoutMs: 1000, traceIndex: false });
  expect(diag.warnings).toEqual([
    '@modelsight/feedback-redis: MODELSIGHT_REDIS_TIMEOUT_MS="soon" is not valid (expected a whole number greater than 0); using 1000',
    '@modelsight/feedback-redis: MODELSIGHT_REDIS_TRACE_INDEX="1" is not valid (expected true or false); using false',
  ]);
});

test('MODELSIGHT_FEEDBACK_STORE unset, empty or memory leaves the tracker its own store, and another value is warned about', () => {
  const diag = captureDiag();
  expect(feedbackStoreFromEnv({}, {})).toBeUndefined();
  expect(feedbackStoreFromEnv({}, { MODELSIGHT_FEEDBACK_STORE: ' ' })).toBeUndefined();
  expect(feedbackStoreFromEnv({}, { MODELSIGHT_FEEDBACK_STORE: 'Memory' })).toBeUndefined();
  expect(feedbackStoreFromEnv({}, { MODELSIGHT_FEEDBACK_STORE: 'postgres' })).toBeUndefined();
  expect(diag.warnings).toEqual([
    '@modelsight/feedback-redis: MODELSIGHT_FEEDBACK_STORE="postgres" is not valid (expected one of memory, redis); using memory',
  ]);
  expect(() => feedbackStoreFromEnv({ url: 'localhost:6379' }, { MODELSIGHT_FEEDBACK_STORE: 'redis' })).toThrow(
    'option url must be a redis:// or rediss:// URL; got "localhost:6379"',
  );
});

test('messages show the Redis URL without its password', () => {
  expect(redactUrl('redis://user:secret@host:6379/1')).toBe('redis://user:***@host:6379/1');
  expect(redactUrl('redis://:secret@host')).toBe('redis://:***@host');
  expect(redactUrl('redis://host:6379')).toBe('redis://host:6379');
});

test('MODELSIGHT_REDIS_CLUSTER_NODES lists the nodes of a Redis Cluster, and the option wins over it', () => {
  const env = { MODELSIGHT_REDIS_CLUSTER_NODES: ' redis://10.0.0.1:6379, rediss://u:p@10.0.0.2:6380 ' };
  expect(resolveRedisStoreOptions({}, env).clusterNodes).toEqual([
    'redis://10.0.0.1:6379',
    'rediss://u:p@10.0.0.2:6380',
  ]);
  expect(resolveRedisStoreOptions({ clusterNodes: ['redis://a:1'] }, env).clusterNodes).toEqual(['redis://a:1']);
  const diag = captureDiag();
  expect(
    resolveRedisStoreOptions({}, { MODELSIGHT_REDIS_CLUSTER_NODES: 'redis://a:1,10.0.0.2:6379' }).clusterNodes,
  ).toEqual([]);
  expect(diag.warnings).toEqual([
    '@modelsight/feedback-redis: MODELSIGHT_REDIS_CLUSTER_NODES="redis://a:1,10.0.0.2:6379" is not valid (expected comma-separated redis:// or rediss:// URLs); using none',
  ]);
  expect(() => resolveRedisStoreOptions({ clusterNodes: [] }, {})).toThrow(
    'option clusterNodes must be an array of redis:// or rediss:// URLs',
  );
  expect(() => resolveRedisStoreOptions({ clusterNodes: ['redis://a:1'], traceIndex: true }, {})).toThrow(
    'the trace index (option traceIndex or MODELSIGHT_REDIS_TRACE_INDEX) is not available on Redis Cluster',
  );
});
