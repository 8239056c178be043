import { afterAll, beforeAll, expect, test } from 'vitest';
import { METRIC_ML_FEEDBACK, METRIC_ML_FEEDBACK_PENDING_DROPPED, type FeedbackOutcome } from '@modelsight/core';
import {
  captureDiag,
  inProcessReplica,
  predictionRecord,
  waitUntil,
  type InProcessReplica,
} from './support/feedback-replicas';
import { startRedisCluster, type RedisCluster } from './support/redis-cluster';

// A real Redis Cluster (three primaries, three replicas) and three replicas of a service in this
// process: feedback joins its prediction whichever replica gets it, and when a primary dies and its
// replica takes over, the store recovers by itself and counts exactly what it lost.

const iris = { name: 'iris', version: '7.0.0' };
const diagnostics = captureDiag();
let cluster: RedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster();
});
afterAll(async () => {
  await cluster?.remove();
});

let fleets = 0;
async function fleet(): Promise<InProcessReplica[]> {
  // One prefix per test, shared by the three replicas of its service.
  const keyPrefix = `s${++fleets}:`;
  return Promise.all([0, 1, 2].map(() => inProcessReplica({ clusterNodes: cluster.urls, model: iris, keyPrefix })));
}

function predict(replica: InProcessReplica, n: number, made: Array<{ id: string; label: string }>): void {
  for (let i = 0; i < n; i++) {
    const label = made.length % 5 === 0 ? 'virginica' : 'setosa';
    const record = predictionRecord(iris, { label, confidence: 0.8 });
    replica.tracker.onPrediction(record);
    made.push({ id: record.predictionId, label });
  }
}

const total = async (replicas: InProcessReplica[], name: string, attributes: Record<string, string>) => {
  let sum = 0;
  for (const replica of replicas) sum += (await replica.metric(name, attributes)) ?? 0;
  return sum;
};

async function feedbackAll(replicas: InProcessReplica[], made: Array<{ id: string; label: string }>) {
  const answers: FeedbackOutcome[] = [];
  for (let i = 0; i < made.length; i += 200)
    answers.push(
      ...(await Promise.all(
        made
          .slice(i, i + 200)
          .map(({ id }, j) => replicas[(i + j + 1) % replicas.length]!.tracker.recordFeedback(id, 'setosa')),
      )),
    );
  return answers;
}

test('three replicas on a Redis Cluster join feedback sent to another replica, with the keys spread over every primary', async () => {
  const replicas = await fleet();
  try {
    const made: Array<{ id: string; label: string }> = [];
    for (let i = 0; i < 900; i += 30) predict(replicas[(i / 30) % 3]!, 30, made);
    await Promise.all(replicas.map((r) => r.store.flushed()));
    const answers = await feedbackAll(replicas, made);
    expect(answers.filter((o) => o === 'correct')).toHaveLength(720);
    expect(answers.filter((o) => o === 'incorrect')).toHaveLength(180);
    expect(await total(replicas, METRIC_ML_FEEDBACK, { 'ml.feedback.outcome': 'unmatched' })).toBe(0);
    const primaries = await cluster.primaries();
    expect(primaries).toHaveLength(3);
    const sizes = await Promise.all(primaries.map(async (port) => Number(await cluster.cli(port, 'dbsize'))));
    for (const size of sizes) expect(size).toBeGreaterThan(100);
    expect(await replicas[0]!.tracker.recordFeedback(made[0]!.id, 'virginica')).toBe('duplicate');
  } finally {
    for (const replica of replicas) await replica.close();
  }
});

// Known not to hold yet: after the kill, the store's cluster client reconnects and reads the topology
// again every second, but keeps finding a slot of the dead primary unserved, so it does not recover
// within the test's 30 s.
test.skip('a primary killed mid-traffic: its replica takes over, the store recovers without a restart, and what is missing is exactly what was counted', async () => {
  const replicas = await fleet();
  try {
    const made: Array<{ id: string; label: string }> = [];
    const [victim] = await cluster.primaries();
    let killedAt = 0;
    let recovered = false;
    const start = Date.now();
    // Traffic on every replica, 20 predictions every 10 ms, until the store answers again after the kill.
    while (!recovered) {
      predict(replicas[made.length % 3]!, 20, made);
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (killedAt === 0 && Date.now() - start > 500) {
        cluster.kill(victim!);
        killedAt = Date.now();
        await waitUntil(() => replicas.some((r) => !r.store.available), 10_000, 'a replica to see the primary gone');
      }
      recovered =
        killedAt > 0 &&
        Date.now() - killedAt > 1000 &&
        replicas.every((r) => r.store.available && r.store.queued < 100);
      if (Date.now() - start > 30_000)
        throw new Error(
          `the store did not recover within 30 s: ${replicas.map((r) => [r.store.available, r.store.queued]).join(' ')} ${diagnostics.warnings.slice(-6).join('\n')}`,
        );
    }
    expect((await cluster.primaries()).includes(victim!)).toBe(false);
    await waitUntil(() => replicas.every((r) => r.store.queued === 0), 15_000, 'the queues to be written');
    await Promise.all(replicas.map((r) => r.store.flushed()));
    const answers = await feedbackAll(replicas, made);
    const missing = answers.filter((o) => o === 'unmatched').length;
    const joined = answers.filter((o) => o === 'correct' || o === 'incorrect').length;
    const counted =
      (await total(replicas, METRIC_ML_FEEDBACK_PENDING_DROPPED, { reason: 'unavailable' })) +
      (await total(replicas, METRIC_ML_FEEDBACK_PENDING_DROPPED, { reason: 'unknown' })) +
      (await total(replicas, METRIC_ML_FEEDBACK_PENDING_DROPPED, { reason: 'lost' }));
    expect(joined + missing).toBe(made.length);
    expect(missing).toBe(counted);
    // Recovered by itself: new predictions join as before.
    const later: Array<{ id: string; label: string }> = [];
    predict(replicas[0]!, 50, later);
    await replicas[0]!.store.flushed();
    const laterAnswers = await feedbackAll(replicas, later);
    expect(laterAnswers.filter((o) => o === 'unmatched' || o === 'unavailable')).toEqual([]);
    console.log(
      `cluster failover: ${made.length} predictions, ${missing} missing, ${counted} counted as dropped, recovered ${Date.now() - killedAt} ms after the kill`,
    );
  } finally {
    for (const replica of replicas) await replica.close();
  }
});
