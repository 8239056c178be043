import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { METRIC_ML_FEEDBACK, METRIC_ML_FEEDBACK_PENDING_DROPPED, traced } from '@modelsight/core';
import { captureDiag, inProcessReplica, waitUntil, type InProcessReplica } from './support/feedback-replicas';
import { freePort } from './support/prometheus';
import { startRedis, type RedisServer } from './support/redis-server';

// Redis down, hanging or full: predictions go on, the write queue stays bounded, the loss is
// counted and warned about once, and the store recovers when Redis answers again.

const iris = { name: 'iris', version: '5.0.0' };
const diagnostics = captureDiag();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  diagnostics.reset();
});

async function replica(options: Parameters<typeof inProcessReplica>[0]): Promise<InProcessReplica> {
  const made = await inProcessReplica(options);
  cleanups.push(() => made.close());
  return made;
}

async function redisServer(options?: Parameters<typeof startRedis>[0]): Promise<RedisServer> {
  const server = await startRedis(options);
  cleanups.push(() => server.remove());
  return server;
}

/** A traced model whose predictions the replica's tracker observes; returns the prediction IDs it made. */
function tracedModel(target: InProcessReplica) {
  const predict = traced((x: number) => ({ label: x % 2 === 0 ? 'setosa' : 'virginica', confidence: 0.9 }), {
    model: iris,
    observers: [target.tracker],
  });
  return (count: number): string[] => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const { result, prediction } = predict.withPrediction(i);
      // A prediction returns its result synchronously whatever Redis does.
      expect(result.confidence).toBe(0.9);
      ids.push(prediction.predictionId);
    }
    return ids;
  };
}

const dropped = (target: InProcessReplica) =>
  target.metric(METRIC_ML_FEEDBACK_PENDING_DROPPED, { reason: 'unavailable' });
const outcome = (target: InProcessReplica, name: string) =>
  target.metric(METRIC_ML_FEEDBACK, { 'ml.feedback.outcome': name });

test('Redis stopped mid-traffic: predictions go on, the queue stays bounded, the loss is counted and warned once, and a restart brings it all back', async () => {
  const redis = await redisServer();
  const target = await replica({ url: redis.url, maxQueue: 200, model: iris });
  const predictMany = tracedModel(target);
  const before = predictMany(50);
  await target.store.flushed();
  expect(await target.tracker.recordFeedback(before[0]!, 'setosa')).toBe('correct');

  await redis.stop();
  await waitUntil(() => !target.store.available, 5000, 'the store to see Redis gone');
  const during = predictMany(300);
  expect(target.store.queued).toBe(200);
  expect(await dropped(target)).toBe(100);
  for (const id of before.slice(1, 6)) expect(await target.tracker.recordFeedback(id, 'virginica')).toBe('unavailable');
  expect(await outcome(target, 'unavailable')).toBe(5);
  expect(diagnostics.matching(/Redis feedback store at .* is unavailable/)).toHaveLength(1);

  await redis.start();
  await waitUntil(
    () => target.store.available && target.store.queued === 0,
    10_000,
    'the store to write its queue after the restart',
  );
  await target.store.flushed();
  expect(diagnostics.infos.filter((m) => /answers again; 200 queued predictions are written now/.test(m))).toHaveLength(
    1,
  );
  // The queued predictions reached the restarted Redis; those dropped from the full queue did not.
  expect(await target.tracker.recordFeedback(during[0]!, 'setosa')).toBe('correct');
  expect(await target.tracker.recordFeedback(during[299]!, 'setosa')).toBe('unmatched');
  const after = predictMany(10);
  await target.store.flushed();
  expect(await target.tracker.recordFeedback(after[3]!, 'virginica')).toBe('correct');
  expect(diagnostics.matching(/Redis feedback store at .* is unavailable/)).toHaveLength(1);
});

test('predictions that waited in the queue longer than twice ttlMs are counted as dropped when Redis returns, not written', async () => {
  const redis = await redisServer();
  const target = await replica({ url: redis.url, ttlMs: 100, model: iris });
  const predictMany = tracedModel(target);
  await redis.stop();
  await waitUntil(() => !target.store.available, 5000, 'the store to see Redis gone');
  const stale = predictMany(20);
  const madeAt = Date.now();
  expect(target.store.queued).toBe(20);
  await waitUntil(() => Date.now() - madeAt > 200, 5000, 'the queued predictions to be older than twice ttlMs');
  await redis.start();
  await waitUntil(
    () => target.store.available && target.store.queued === 0,
    10_000,
    'the store to empty its queue after the restart',
  );
  await target.store.flushed();
  expect(await dropped(target)).toBe(20);
  expect(await redis.cli('dbsize')).toBe('0');
  expect(await target.tracker.recordFeedback(stale[0]!, 'setosa')).toBe('unmatched');
});

test('Redis that hangs (accepts, never answers): feedback gives up after timeoutMs and then at once, predictions go on, and it recovers when Redis does', async () => {
  const redis = await redisServer();
  // A time limit well above a scheduling stall of the shared test machine, so that "at once" (below half of
  // it) cannot be mistaken for a wait that timed out.
  const target = await replica({ url: redis.url, timeoutMs: 1000, maxQueue: 100 });
  const predictMany = tracedModel(target);
  const ids = predictMany(20);
  await target.store.flushed();

  redis.pause();
  let start = Date.now();
  expect(await target.tracker.recordFeedback(ids[0]!, 'setosa')).toBe('unavailable');
  const firstWait = Date.now() - start;
  expect(firstWait).toBeGreaterThanOrEqual(950);
  expect(firstWait).toBeLessThan(5000);
  start = Date.now();
  expect(await target.tracker.recordFeedback(ids[1]!, 'virginica')).toBe('unavailable');
  expect(Date.now() - start).toBeLessThan(500);
  const queued = predictMany(500);
  expect(target.store.queued).toBe(100);
  expect(await dropped(target)).toBe(400);
  expect(diagnostics.matching(/is unavailable \(TimeoutError/)).toHaveLength(1);

  redis.resume();
  await waitUntil(() => target.store.available && target.store.queued === 0, 10_000, 'the store to recover');
  await target.store.flushed();
  expect(await target.tracker.recordFeedback(ids[0]!, 'setosa')).toBe('correct');
  expect(await target.tracker.recordFeedback(queued[1]!, 'virginica')).toBe('correct');
});

test('a server that accepts connections and never answers, from the start: the service runs, feedback is unavailable, one warning', async () => {
  const sockets: Socket[] = [];
  const silent: Server = createServer((socket) => sockets.push(socket));
  const port = await freePort();
  await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });
  const target = await inProcessReplica({ url: `redis://127.0.0.1:${port}`, timeoutMs: 300, maxQueue: 50 }, false);
  cleanups.push(() => target.close());
  const predictMany = tracedModel(target);
  const ids = predictMany(80);
  await waitUntil(
    () => sockets.length > 0 && diagnostics.matching(/Redis feedback store at .* is not reachable yet/).length > 0,
    10_000,
    'the store to connect and give up waiting for an answer',
  );
  expect(sockets.length).toBeGreaterThan(0);
  expect(target.store.available).toBe(false);
  expect(target.store.queued).toBe(50);
  expect(await dropped(target)).toBe(30);
  expect(await target.tracker.recordFeedback(ids[0]!, 'setosa')).toBe('unavailable');
  expect(diagnostics.matching(/Redis feedback store at .* is not reachable yet/)).toHaveLength(1);
});

test('a full Redis (maxmemory, noeviction) refuses new predictions, counted once with one warning, while feedback still joins the stored ones', async () => {
  const redis = await redisServer({ maxmemory: '3mb' });
  const target = await replica({ url: redis.url, maxQueue: 100_000 });
  const predictMany = tracedModel(target);
  const ids = predictMany(40_000);
  await target.store.flushed();
  await waitUntil(() => target.store.queued === 0, 20_000, 'the queue to drain');
  await target.store.flushed();
  // Every key but one (the hash of model names) is a prediction.
  const stored = Number(await redis.cli('dbsize')) - 1;
  const refused = await dropped(target);
  expect(stored).toBeGreaterThan(1000);
  expect(stored).toBeLessThan(40_000);
  expect(refused).toBe(40_000 - stored);
  expect(diagnostics.matching(/is full \(maxmemory\)/)).toHaveLength(1);
  expect(target.store.available).toBe(true);
  // Taking a prediction needs no memory: it is joined once, even on a full Redis.
  expect(await target.tracker.recordFeedback(ids[0]!, 'setosa')).toBe('correct');
  expect(await target.tracker.recordFeedback(ids[0]!, 'setosa')).toMatch(/^(duplicate|unmatched)$/);
  // Redis hovers at its limit (its own buffers come and go), so which predictions were refused varies.
  const sample = ids.filter((_, i) => i % 50 === 0);
  const values = (await redis.cli('--no-raw', 'mget', ...sample.map((id) => `ms:fb:p:${id}`))).split('\n');
  expect(values).toHaveLength(sample.length);
  const refusedId = sample[values.findIndex((line) => line.endsWith('(nil)'))];
  expect(refusedId).toBeDefined();
  expect(await target.tracker.recordFeedback(refusedId!, 'setosa')).toBe('unmatched');

  await redis.cli('flushall');
  const later = predictMany(10);
  await target.store.flushed();
  expect(await target.tracker.recordFeedback(later[2]!, 'setosa')).toBe('correct');
  expect(await dropped(target)).toBe(refused);
});
