import { afterAll, beforeAll, expect, test } from 'vitest';
import { METRIC_ML_OUTCOME, METRIC_ML_OUTCOME_VALUE, type OutcomeStatus } from '@modelsight/core';
import { captureDiag, inProcessReplica, predictionRecord, type InProcessReplica } from './support/feedback-replicas';
import { startRedisCluster, type RedisCluster } from './support/redis-cluster';

// A real Redis Cluster (three primaries, three replicas) and three replicas of a service in this
// process: business outcomes sent to other replicas than the one that predicted are each counted
// once, the value sums are exact, and the set of a prediction's outcome names lives in the hash slot
// of its prediction (the script touches both).

const shop = { name: 'recommender', version: '8.0.0' };
const diagnostics = captureDiag();
let cluster: RedisCluster;
let replicas: InProcessReplica[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster();
  replicas = await Promise.all(
    [0, 1, 2].map(() =>
      inProcessReplica({ clusterNodes: cluster.urls, model: shop, keyPrefix: 'o1:', outcomes: ['click', 'purchase'] }),
    ),
  );
});
afterAll(async () => {
  for (const replica of replicas) await replica.close();
  await cluster?.remove();
});

const fleetSum = async (name: string, attributes: Record<string, string>) => {
  let sum = 0;
  for (const replica of replicas) {
    const value = (await replica.metric(name, attributes)) as number | { sum: number } | undefined;
    sum += typeof value === 'object' ? value.sum : (value ?? 0);
  }
  return sum;
};

/**
 * Reports an outcome as a client would: again while the answer is `unavailable` (on this shared
 * machine, six Redis nodes and hundreds of lookups at once can miss the lookup deadline). A lookup
 * refused past its deadline was not counted, so a retry can never count an outcome twice.
 */
async function report(replica: InProcessReplica, id: string, name: string, value?: number): Promise<OutcomeStatus> {
  for (let attempt = 0; ; attempt++) {
    const status = await replica.tracker.recordOutcome(id, name, value);
    if (status !== 'unavailable' || attempt === 5) return status;
  }
}

test('outcomes on a Redis Cluster are counted once across replicas, with exact value sums, next to their prediction', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 300; i++) {
    const record = predictionRecord(shop, { label: 'shoes', confidence: 0.8 });
    replicas[i % 3]!.tracker.onPrediction(record);
    ids.push(record.predictionId);
  }
  await Promise.all(replicas.map((r) => r.store.flushed()));
  // A click for each prediction on the next replica; a purchase for every fourth, sent to all three at once.
  const clicks: OutcomeStatus[] = await Promise.all(ids.map((id, i) => report(replicas[(i + 1) % 3]!, id, 'click')));
  const counts = (statuses: OutcomeStatus[]) =>
    Object.fromEntries([...new Set(statuses)].map((s) => [s, statuses.filter((x) => x === s).length]));
  expect(counts(clicks), diagnostics.warnings.join('\n')).toEqual({ counted: 300 });
  const bought = ids.filter((_, i) => i % 4 === 0);
  const purchases = await Promise.all(
    bought.flatMap((id, j) => replicas.map((r) => report(r, id, 'purchase', 0.25 * (j % 9) + 1))),
  );
  expect(purchases.filter((s) => s === 'counted')).toHaveLength(75);
  expect(purchases.filter((s) => s === 'duplicate')).toHaveLength(150);
  expect(await fleetSum(METRIC_ML_OUTCOME, { 'ml.outcome.name': 'click' })).toBe(300);
  expect(await fleetSum(METRIC_ML_OUTCOME, { 'ml.outcome.name': 'purchase' })).toBe(75);
  const expected = bought.reduce((sum, _, j) => sum + 0.25 * (j % 9) + 1, 0);
  expect(await fleetSum(METRIC_ML_OUTCOME_VALUE, { 'ml.outcome.name': 'purchase' })).toBe(expected);

  // Each outcome set shares the hash slot of its prediction key, and the sets are spread over the primaries.
  const primaries = await cluster.primaries();
  const keys = (
    await Promise.all(primaries.map((port) => cluster.cli(port, '--scan', '--pattern', 'o1:{*}o:*')))
  ).flatMap((out) => out.split('\n').filter(Boolean));
  expect(keys).toHaveLength(300);
  for (const key of keys.slice(0, 20)) {
    const predictionKey = key.replace(/}o:/, '}p:');
    expect(await cluster.cli(primaries[0]!, 'cluster', 'keyslot', key)).toBe(
      await cluster.cli(primaries[0]!, 'cluster', 'keyslot', predictionKey),
    );
  }
  // Label feedback still joins every prediction that got outcomes.
  expect(await replicas[2]!.tracker.recordFeedback(ids[0]!, 'shoes')).toBe('correct');
});
