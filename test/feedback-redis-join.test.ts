import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import {
  METRIC_ML_FEEDBACK,
  METRIC_ML_FEEDBACK_PENDING,
  METRIC_ML_MODEL_ACCURACY,
  METRIC_ML_PREDICTION_ERROR_ABSOLUTE,
} from '@modelsight/core';
import {
  captureDiag,
  inProcessReplica,
  predictionRecord,
  sleep,
  type InProcessReplica,
} from './support/feedback-replicas';
import { startRedis, type RedisServer } from './support/redis-server';

// Replicas of one service in this process, each with its own tracker, meter and connection to one
// real redis-server: feedback sent to one replica joins a prediction made by another.

const iris = { name: 'iris', version: '2.0.0' };
const diagnostics = captureDiag();
let redis: RedisServer;
const open: InProcessReplica[] = [];

async function replicas(
  count: number,
  options: Parameters<typeof inProcessReplica>[0] = {},
): Promise<InProcessReplica[]> {
  const made = await Promise.all(Array.from({ length: count }, () => inProcessReplica({ url: redis.url, ...options })));
  open.push(...made);
  return made;
}

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const replica of open.splice(0)) await replica.close();
  await redis.cli('flushall');
  diagnostics.reset();
});
afterAll(async () => {
  await redis?.remove();
});

/** Polls an asynchronous condition (a Redis query) every 20 ms, for at most 5 s. */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const outcomes = async (replica: InProcessReplica, model = iris) => ({
  correct:
    (await replica.metric(METRIC_ML_FEEDBACK, {
      'ml.model.version': model.version,
      'ml.feedback.outcome': 'correct',
    })) ?? 0,
  incorrect:
    (await replica.metric(METRIC_ML_FEEDBACK, {
      'ml.model.version': model.version,
      'ml.feedback.outcome': 'incorrect',
    })) ?? 0,
  unmatched: (await replica.metric(METRIC_ML_FEEDBACK, { 'ml.feedback.outcome': 'unmatched' })) ?? 0,
  duplicate: (await replica.metric(METRIC_ML_FEEDBACK, { 'ml.feedback.outcome': 'duplicate' })) ?? 0,
});

test('feedback sent to another replica joins every prediction, and is counted where it arrives under the version that predicted', async () => {
  const fleet = await replicas(3);
  const labels = ['setosa', 'versicolor', 'virginica'];
  const made: Array<{ id: string; label: string }> = [];
  for (let i = 0; i < 300; i++) {
    const record = predictionRecord(iris, { label: labels[i % 3], confidence: 0.8 });
    fleet[i % 3]!.tracker.onPrediction(record);
    made.push({ id: record.predictionId, label: labels[i % 3]! });
  }
  await Promise.all(fleet.map((r) => r.store.flushed()));
  // Every third label is wrong; feedback goes to the next replica.
  const answers = await Promise.all(
    made.map(({ id, label }, i) => fleet[(i + 1) % 3]!.tracker.recordFeedback(id, i % 3 === 0 ? 'virginica' : label)),
  );
  expect(answers.filter((a) => a === 'correct')).toHaveLength(200);
  expect(answers.filter((a) => a === 'incorrect')).toHaveLength(100);
  // Replica 1 gets the feedback of the predictions made by replica 0 (all wrong), and so on.
  expect(await outcomes(fleet[0]!)).toEqual({ correct: 100, incorrect: 0, unmatched: 0, duplicate: 0 });
  expect(await outcomes(fleet[1]!)).toEqual({ correct: 0, incorrect: 100, unmatched: 0, duplicate: 0 });
  expect(await outcomes(fleet[2]!)).toEqual({ correct: 100, incorrect: 0, unmatched: 0, duplicate: 0 });
});

test('the same feedback sent to three replicas at once is used by exactly one and counted as duplicate by the others', async () => {
  const fleet = await replicas(3);
  const ids: string[] = [];
  for (let i = 0; i < 50; i++) {
    const record = predictionRecord(iris, { label: 'setosa', confidence: 0.9 });
    fleet[0]!.tracker.onPrediction(record);
    ids.push(record.predictionId);
  }
  await fleet[0]!.store.flushed();
  const answers = await Promise.all(
    ids.flatMap((id) => fleet.map((replica) => replica.tracker.recordFeedback(id, 'setosa'))),
  );
  expect(answers.filter((a) => a === 'correct')).toHaveLength(50);
  expect(answers.filter((a) => a === 'duplicate')).toHaveLength(100);
  const counted = await Promise.all(fleet.map((r) => outcomes(r)));
  expect(counted.reduce((sum, o) => sum + o.correct, 0)).toBe(50);
  expect(counted.reduce((sum, o) => sum + o.duplicate, 0)).toBe(100);
});

test('a replica that never ran the model counts its feedback under the version that predicted, with its task', async () => {
  const [a, b] = await replicas(2);
  const regressor = { name: 'price', version: '0.3.1' };
  const record = predictionRecord(regressor, 12.5);
  a!.tracker.onPrediction(record);
  await a!.store.flushed();
  // A class label is invalid for a regression prediction, and leaves it waiting for a number.
  expect(await b!.tracker.recordFeedback(record.predictionId, 'twelve')).toBe('invalid');
  expect(await b!.tracker.recordFeedback(record.predictionId, 10)).toBe('matched');
  expect(
    await b!.metric(METRIC_ML_FEEDBACK, {
      'ml.model.name': 'price',
      'ml.model.version': '0.3.1',
      'ml.feedback.outcome': 'matched',
    }),
  ).toBe(1);
  expect(
    await b!.metric(METRIC_ML_FEEDBACK, {
      'ml.model.name': 'price',
      'ml.model.version': '0.3.1',
      'ml.feedback.outcome': 'invalid',
    }),
  ).toBe(1);
  const histogram = (await b!.metric(METRIC_ML_PREDICTION_ERROR_ABSOLUTE)) as unknown as { sum: number; count: number };
  expect(histogram).toMatchObject({ sum: 2.5, count: 1 });
});

test('feedback after ttlMs counts as expired, and after twice ttlMs the prediction is gone from Redis', async () => {
  const [a, b] = await replicas(2, { ttlMs: 400 });
  const late = predictionRecord(iris, { label: 'setosa', confidence: 0.9 });
  const gone = predictionRecord(iris, { label: 'setosa', confidence: 0.9 });
  a!.tracker.onPrediction(late);
  a!.tracker.onPrediction(gone);
  await a!.store.flushed();
  const ttl = Number(await redis.cli('pttl', `ms:fb:p:${late.predictionId}`));
  expect(ttl).toBeGreaterThan(400);
  expect(ttl).toBeLessThanOrEqual(800);
  // Older than ttlMs: Redis's time to live (twice ttlMs from the prediction) has less than ttlMs left.
  await until(async () => Number(await redis.cli('pttl', `ms:fb:p:${late.predictionId}`)) < 390, 'ttlMs to pass');
  expect(await b!.tracker.recordFeedback(late.predictionId, 'setosa')).toBe('expired');
  expect(await b!.tracker.recordFeedback(late.predictionId, 'setosa')).toBe('duplicate');
  await until(
    async () => (await redis.cli('exists', `ms:fb:p:${gone.predictionId}`)) === '0',
    'Redis to expire the prediction',
  );
  expect(await b!.tracker.recordFeedback(gone.predictionId, 'setosa')).toBe('unmatched');
});

test('feedback by trace ID joins on another replica with the trace index, and a batch trace is ambiguous', async () => {
  const [a, b] = await replicas(2, { traceIndex: true });
  const single = predictionRecord(iris, { label: 'virginica', confidence: 0.7 });
  const batch = [predictionRecord(iris, { label: 'setosa' }), predictionRecord(iris, { label: 'setosa' })].map((r) => ({
    ...r,
    traceId: 'c'.repeat(32),
  }));
  a!.tracker.onPrediction(single);
  for (const item of batch) a!.tracker.onPrediction(item);
  await a!.store.flushed();
  expect(await b!.tracker.recordFeedbackByTraceId(single.traceId!.toUpperCase(), 'virginica')).toBe('correct');
  expect(await b!.tracker.recordFeedbackByTraceId(single.traceId!, 'virginica')).toBe('duplicate');
  expect(await b!.tracker.recordFeedbackByTraceId('c'.repeat(32), 'setosa')).toBe('unmatched');
  expect(await b!.tracker.recordFeedback(batch[1]!.predictionId, 'setosa')).toBe('correct');
});

test('without the trace index, feedback by trace ID is unmatched and says which option turns it on', async () => {
  const [a, b] = await replicas(2);
  const record = predictionRecord(iris, { label: 'setosa', confidence: 0.9 });
  a!.tracker.onPrediction(record);
  await a!.store.flushed();
  expect(await b!.tracker.recordFeedbackByTraceId(record.traceId!, 'setosa')).toBe('unmatched');
  expect(diagnostics.matching(/traceIndex or MODELSIGHT_REDIS_TRACE_INDEX=true/)).toHaveLength(1);
  expect(await redis.cli('keys', '*:t:*')).toBe('');
});

test('two key prefixes on one Redis keep two services apart', async () => {
  const [a] = await replicas(1, { keyPrefix: 'service-a:' });
  const [b] = await replicas(1, { keyPrefix: 'service-b:' });
  const record = predictionRecord(iris, { label: 'setosa', confidence: 0.9 });
  a!.tracker.onPrediction(record);
  await a!.store.flushed();
  expect(await b!.tracker.recordFeedback(record.predictionId, 'setosa')).toBe('unmatched');
  expect(await a!.tracker.recordFeedback(record.predictionId, 'setosa')).toBe('correct');
  expect(await redis.cli('exists', `service-a:p:${record.predictionId}`)).toBe('1');
});

test('keys under the prefix that another program wrote, or corrupted values, count as unmatched and never throw', async () => {
  const [a] = await replicas(1);
  await redis.cli('set', 'ms:fb:p:foreign', 'not a prediction');
  await redis.cli('set', 'ms:fb:p:truncated', 'ciris\u001f2.0.0\u001fsetosa');
  await redis.cli('rpush', 'ms:fb:p:a-list', 'x');
  await redis.cli('set', 'ms:fb:p:bad-time', 'ciris\u001f2.0.0\u001fsetosa\u001f\u001f-zz');
  for (const id of ['foreign', 'truncated', 'a-list', 'bad-time'])
    expect(await a!.tracker.recordFeedback(id, 'setosa')).toBe('unmatched');
  expect(a!.store.available).toBe(true);
  expect(await a!.tracker.recordFeedback('x'.repeat(10_000), 'setosa')).toBe('unmatched');
  expect(diagnostics.matching(/does not hold a prediction of this store/)).toHaveLength(1);
});

test('a prediction stored twice under one ID keeps the first, and the second is reported', async () => {
  const [a, b] = await replicas(2);
  a!.tracker.onPrediction(predictionRecord(iris, { label: 'setosa' }, 'same-id'));
  await a!.store.flushed();
  b!.tracker.onPrediction(predictionRecord(iris, { label: 'virginica' }, 'same-id'));
  await b!.store.flushed();
  expect(await b!.tracker.recordFeedback('same-id', 'setosa')).toBe('correct');
  expect(diagnostics.matching(/already in Redis; the newer prediction is not stored/)).toHaveLength(1);
});

test('replicas on a shared store report accuracy from the feedback they received, and no per-process pending gauge', async () => {
  const [a, b] = await replicas(2);
  const right = predictionRecord(iris, { label: 'setosa', confidence: 0.9 });
  const wrong = predictionRecord(iris, { label: 'setosa', confidence: 0.9 });
  a!.tracker.onPrediction(right);
  a!.tracker.onPrediction(wrong);
  await a!.store.flushed();
  await b!.tracker.recordFeedback(right.predictionId, 'setosa');
  await b!.tracker.recordFeedback(wrong.predictionId, 'versicolor');
  expect(await b!.metric(METRIC_ML_MODEL_ACCURACY, { 'ml.model.version': '2.0.0' })).toBe(0.5);
  expect(await a!.names()).not.toContain(METRIC_ML_FEEDBACK_PENDING);
});
