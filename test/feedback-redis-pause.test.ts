import { afterEach, expect, test } from 'vitest';
import { METRIC_ML_FEEDBACK, METRIC_ML_FEEDBACK_PENDING_DROPPED, type FeedbackOutcome } from '@modelsight/core';
import {
  captureDiag,
  inProcessReplica,
  predictionRecord,
  waitUntil,
  type InProcessReplica,
} from './support/feedback-replicas';
import { startRedis, type RedisServer } from './support/redis-server';

// The real redis-server paused (SIGSTOP) while feedback lookups and write batches are on their way,
// then resumed: a lookup that gave up is never applied later, so the feedback sent again is joined,
// and every prediction is counted as dropped exactly when it never reached Redis.

const iris = { name: 'iris', version: '6.0.0' };
const diagnostics = captureDiag();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  diagnostics.reset();
});

async function setUp(options: Parameters<typeof inProcessReplica>[0] = {}) {
  const redis = await startRedis();
  cleanups.push(() => redis.remove());
  const made = await Promise.all([0, 1].map(() => inProcessReplica({ url: redis.url, model: iris, ...options })));
  for (const replica of made) cleanups.push(() => replica.close());
  return { redis, a: made[0]!, b: made[1]! };
}

const count = async (replica: InProcessReplica, outcome: FeedbackOutcome) =>
  (await replica.metric(METRIC_ML_FEEDBACK, { 'ml.feedback.outcome': outcome })) ?? 0;
const dropped = async (replica: InProcessReplica, reason: string) =>
  (await replica.metric(METRIC_ML_FEEDBACK_PENDING_DROPPED, { reason })) ?? 0;

function predict(replica: InProcessReplica, n: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const record = predictionRecord(iris, { label: i % 4 === 0 ? 'virginica' : 'setosa', confidence: 0.8 });
    replica.tracker.onPrediction(record);
    ids.push(record.predictionId);
  }
  return ids;
}

async function pausedWhile<T>(redis: RedisServer, replica: InProcessReplica, work: () => Promise<T>): Promise<T> {
  redis.pause();
  try {
    return await work();
  } finally {
    redis.resume();
    await waitUntil(() => replica.store.available, 10_000, 'the store to reconnect');
  }
}

test('feedback refused while Redis is paused is joined when sent again: every label counted once as correct or incorrect', async () => {
  const { redis, a, b } = await setUp();
  let labels = 0;
  for (let round = 0; round < 3; round++) {
    const ids = predict(a, 200);
    await a.store.flushed();
    // All 200 lookups are written to the socket before Redis answers any of them.
    const first = await pausedWhile(redis, b, () =>
      Promise.all(ids.map((id) => b.tracker.recordFeedback(id, 'setosa'))),
    );
    expect(new Set(first)).toEqual(new Set(['unavailable']));
    const again = await Promise.all(ids.map((id) => b.tracker.recordFeedback(id, 'setosa')));
    expect(again.filter((o) => o === 'correct')).toHaveLength(150);
    expect(again.filter((o) => o === 'incorrect')).toHaveLength(50);
    labels += ids.length;
  }
  expect((await count(b, 'correct')) + (await count(b, 'incorrect'))).toBe(labels);
  expect(await count(b, 'duplicate')).toBe(0);
  expect(await count(b, 'unavailable')).toBe(labels);
  // Redis ran every lookup it held once resumed, and refused each, past its deadline.
  const states = await redis.cli('--no-raw', 'eval', "return #redis.call('keys', 'ms:fb:p:*')", '0');
  expect(states).toBe(`(integer) ${labels}`);
});

test('predictions whose write was on its way while Redis was paused are counted as dropped exactly when they are missing', async () => {
  const { redis, a, b } = await setUp({ maxQueue: 300 });
  const made: string[] = [];
  await pausedWhile(redis, a, async () => {
    // The first batches leave at once and get no answer; the rest wait in the queue until it is full.
    made.push(...predict(a, 256 * 4));
    await new Promise((resolve) => setImmediate(resolve));
    made.push(...predict(a, 1000));
    await waitUntil(() => !a.store.available, 5000, 'the write batches to time out');
  });
  await waitUntil(() => a.store.queued === 0, 10_000, 'the queue and the unanswered batches to be written');
  await a.store.flushed();
  const lostBefore = await dropped(a, 'unavailable');
  expect(lostBefore).toBeGreaterThan(0);
  expect(await dropped(a, 'unknown')).toBe(0);
  const answers: FeedbackOutcome[] = [];
  // In chunks, as a service receives feedback: thousands of lookups at once would keep the process busy
  // sending them for longer than the time limit of the first.
  for (let i = 0; i < made.length; i += 200)
    answers.push(...(await Promise.all(made.slice(i, i + 200).map((id) => b.tracker.recordFeedback(id, 'setosa')))));
  const joined = answers.filter((o) => o === 'correct' || o === 'incorrect').length;
  expect(answers.filter((o) => o === 'unmatched')).toHaveLength(lostBefore);
  expect(joined + lostBefore).toBe(made.length);
});

test('a Redis restarted without persistence: the predictions it lost are counted as lost, and equal the unmatched feedback', async () => {
  const { redis, a, b } = await setUp();
  const ids = predict(a, 13);
  await a.store.flushed();
  expect(await a.tracker.recordFeedback(ids[0]!, 'setosa')).toBe('incorrect');
  await redis.stop();
  await redis.start();
  await waitUntil(() => a.store.available, 10_000, 'the store to reconnect');
  await waitUntil(() => diagnostics.matching(/lost what it held/).length > 0, 10_000, 'the loss to be noticed');
  // At most the 13 it stored; one of them had its feedback already.
  expect(await dropped(a, 'lost')).toBe(13);
  expect(diagnostics.matching(/13 predictions of this process that could still get feedback are gone/)).toHaveLength(1);
  const answers = await Promise.all(ids.slice(1).map((id) => b.tracker.recordFeedback(id, 'setosa')));
  expect(answers.filter((o) => o === 'unmatched')).toHaveLength(12);
  // Predictions made afterwards are stored and joined as before, and no second loss is counted.
  const later = predict(a, 5);
  await a.store.flushed();
  expect(await b.tracker.recordFeedback(later[1]!, 'setosa')).toBe('correct');
  expect(await dropped(a, 'lost')).toBe(13);
});
