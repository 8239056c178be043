import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { METRIC_ML_OUTCOME, METRIC_ML_OUTCOME_REJECTED, METRIC_ML_OUTCOME_VALUE } from '@modelsight/core';
import { captureDiag, inProcessReplica, predictionRecord, type InProcessReplica } from './support/feedback-replicas';
import { startRedis, type RedisServer } from './support/redis-server';

// Replicas of one service in this process, each with its own tracker, meter and connection to one
// real redis-server: business outcomes sent to other replicas than the one that predicted, some to
// every replica at once, are each counted once across the fleet, and the value sums are exact.

const shop = { name: 'recommender', version: '5.0.0' };
const diagnostics = captureDiag();
let redis: RedisServer;
const open: InProcessReplica[] = [];

async function replicas(count: number, options: Parameters<typeof inProcessReplica>[0] = {}) {
  const made = await Promise.all(
    Array.from({ length: count }, () =>
      inProcessReplica({ url: redis.url, outcomes: ['click', 'purchase'], model: shop, ...options }),
    ),
  );
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

const fleet = async (fleetReplicas: InProcessReplica[], name: string, attributes: Record<string, string> = {}) => {
  let sum = 0;
  for (const replica of fleetReplicas) {
    // A histogram (the outcome values) is read as its sum.
    const value = (await replica.metric(name, attributes)) as number | { sum: number } | undefined;
    sum += typeof value === 'object' ? value.sum : (value ?? 0);
  }
  return sum;
};

/** Purchase amounts in quarters: exact in binary, so the sum does not depend on the order of addition. */
const amount = (i: number) => 5 + (i % 7) * 2.25;

test('outcomes sent to other replicas than the one that predicted are each counted once, with exact value sums', async () => {
  const fleetReplicas = await replicas(3);
  const ids: string[] = [];
  for (let i = 0; i < 60; i++) {
    const record = predictionRecord(shop, { label: 'shoes', confidence: 0.8 });
    fleetReplicas[i % 3]!.tracker.onPrediction(record);
    ids.push(record.predictionId);
  }
  await Promise.all(fleetReplicas.map((replica) => replica.store.flushed()));

  // Every prediction is clicked (on the next replica); every third one is bought, reported to all
  // three replicas at once, as a retrying client behind a load balancer might.
  const clicks = await Promise.all(ids.map((id, i) => fleetReplicas[(i + 1) % 3]!.tracker.recordOutcome(id, 'click')));
  expect(clicks.every((status) => status === 'counted')).toBe(true);
  const bought = ids.filter((_, i) => i % 3 === 0);
  const purchases = await Promise.all(
    bought.flatMap((id, j) => fleetReplicas.map((replica) => replica.tracker.recordOutcome(id, 'purchase', amount(j)))),
  );
  expect(purchases.filter((status) => status === 'counted')).toHaveLength(bought.length);
  expect(purchases.filter((status) => status === 'duplicate')).toHaveLength(2 * bought.length);

  const version = { 'ml.model.version': shop.version };
  expect(await fleet(fleetReplicas, METRIC_ML_OUTCOME, { ...version, 'ml.outcome.name': 'click' })).toBe(60);
  expect(await fleet(fleetReplicas, METRIC_ML_OUTCOME, { ...version, 'ml.outcome.name': 'purchase' })).toBe(20);
  const expectedValue = bought.reduce((sum, _, j) => sum + amount(j), 0);
  expect(await fleet(fleetReplicas, METRIC_ML_OUTCOME_VALUE, { ...version, 'ml.outcome.name': 'purchase' })).toBe(
    expectedValue,
  );
  expect(await fleet(fleetReplicas, METRIC_ML_OUTCOME_VALUE, { ...version, 'ml.outcome.name': 'click' })).toBe(60);
  expect(
    await fleet(fleetReplicas, METRIC_ML_OUTCOME_REJECTED, { 'ml.outcome.name': 'purchase', reason: 'duplicate' }),
  ).toBe(40);
  expect(await fleet(fleetReplicas, METRIC_ML_OUTCOME_REJECTED, { reason: 'unmatched' })).toBe(0);
});

test('outcomes leave the prediction to its label feedback on another replica, and the reverse', async () => {
  const [a, b, c] = await replicas(3);
  const first = predictionRecord(shop, { label: 'shoes', confidence: 0.8 });
  const second = predictionRecord(shop, { label: 'boots', confidence: 0.6 });
  a!.tracker.onPrediction(first);
  a!.tracker.onPrediction(second);
  await a!.store.flushed();
  expect(await b!.tracker.recordOutcome(first.predictionId, 'click')).toBe('counted');
  expect(await c!.tracker.recordFeedback(first.predictionId, 'shoes')).toBe('correct');
  expect(await c!.tracker.recordFeedback(second.predictionId, 'shoes')).toBe('incorrect');
  expect(await b!.tracker.recordOutcome(second.predictionId, 'purchase', 12.5)).toBe('counted');
  expect(await a!.tracker.recordOutcome(second.predictionId, 'click')).toBe('counted');
  expect(await a!.tracker.recordFeedback(second.predictionId, 'boots')).toBe('duplicate');
});

test('the outcome names of a prediction expire with it, and an outcome of an unknown prediction is unmatched', async () => {
  const [a, b] = await replicas(2, { ttlMs: 60_000 });
  const record = predictionRecord(shop, { label: 'shoes', confidence: 0.8 });
  a!.tracker.onPrediction(record);
  await a!.store.flushed();
  expect(await b!.tracker.recordOutcome(record.predictionId, 'purchase', 3)).toBe('counted');
  const predictionTtl = Number(await redis.cli('pttl', `ms:fb:p:${record.predictionId}`));
  const outcomesTtl = Number(await redis.cli('pttl', `ms:fb:o:${record.predictionId}`));
  expect(predictionTtl).toBeGreaterThan(100_000);
  expect(outcomesTtl).toBeGreaterThan(100_000);
  expect(outcomesTtl).toBeLessThanOrEqual(predictionTtl);
  expect(await redis.cli('smembers', `ms:fb:o:${record.predictionId}`)).toBe('purchase');
  expect(await b!.tracker.recordOutcome('never-predicted', 'purchase', 3)).toBe('unmatched');
  expect(await b!.metric(METRIC_ML_OUTCOME_REJECTED, { reason: 'unmatched', 'ml.outcome.name': 'purchase' })).toBe(1);
});

test('with Redis stopped an outcome is unavailable at once, and counted as such', async () => {
  const [a, b] = await replicas(2);
  const record = predictionRecord(shop, { label: 'shoes', confidence: 0.8 });
  a!.tracker.onPrediction(record);
  await a!.store.flushed();
  expect(await b!.tracker.recordOutcome(record.predictionId, 'click')).toBe('counted');
  await redis.stop();
  expect(await b!.tracker.recordOutcome(record.predictionId, 'purchase', 9)).toBe('unavailable');
  expect(await b!.metric(METRIC_ML_OUTCOME_REJECTED, { reason: 'unavailable', 'ml.outcome.name': 'purchase' })).toBe(1);
  expect(diagnostics.matching(/unavailable/).length).toBeGreaterThan(0);
  await redis.start();
});

test('a full Redis refuses to mark an outcome: it is unavailable, not counted, and counted once when reported again after space is freed', async () => {
  const full = await startRedis({ maxmemory: '3mb' });
  const [a, b] = await Promise.all(
    [0, 1].map(() => inProcessReplica({ url: full.url, outcomes: ['click', 'purchase'], model: shop })),
  );
  try {
    const record = predictionRecord(shop, { label: 'shoes', confidence: 0.8 });
    a!.tracker.onPrediction(record);
    await a!.store.flushed();
    // Fill Redis past its limit with values of another program (a running script may overshoot; the next write is refused).
    await full.cli(
      'eval',
      "for i = 1, 4000 do redis.call('SET', 'fill:' .. i, string.rep('x', 1000)) end return 0",
      '0',
    );
    expect(await full.cli('set', 'probe', 'x')).toMatch(/^OOM/);
    expect(await b!.tracker.recordOutcome(record.predictionId, 'purchase', 7.5)).toBe('unavailable');
    expect(await full.cli('exists', `ms:fb:o:${record.predictionId}`)).toBe('0');
    expect(await b!.metric(METRIC_ML_OUTCOME_VALUE, { 'ml.outcome.name': 'purchase' })).toBeUndefined();
    await full.cli(
      'eval',
      "for _, k in ipairs(redis.call('KEYS', 'fill:*')) do redis.call('DEL', k) end return 0",
      '0',
    );
    expect(await a!.tracker.recordOutcome(record.predictionId, 'purchase', 7.5)).toBe('counted');
    expect(await b!.tracker.recordOutcome(record.predictionId, 'purchase', 7.5)).toBe('duplicate');
    const sum = (await a!.metric(METRIC_ML_OUTCOME_VALUE, { 'ml.outcome.name': 'purchase' })) as unknown as {
      sum: number;
    };
    expect(sum.sum).toBe(7.5);
  } finally {
    await a!.close();
    await b!.close();
    await full.remove();
  }
});
