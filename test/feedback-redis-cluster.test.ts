import { afterAll, beforeAll, expect, test } from 'vitest';
import { METRIC_ML_FEEDBACK, METRIC_ML_FEEDBACK_PENDING_DROPPED, type FeedbackOutcome } from '@modelsight/core';
import { captureDiag, inProcessReplica, predictionRecord, type InProcessReplica } from './support/feedback-replicas';
import { startRedisCluster, type RedisCluster } from './support/redis-cluster';
import { waitUntil } from './support/wait-until';

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

/** Bound on the store's recovery once the replica is promoted: one reconnection and a topology read, with room for a loaded machine. */
const RECOVERY_BOUND_MS = 5000;

test('a primary killed mid-traffic: its replica takes over, the store recovers without a restart, and what is missing is exactly what was counted', async () => {
  const replicas = await fleet();
  const stores = replicas.map((r) => r.store);
  try {
    const made: Array<{ id: string; label: string }> = [];
    // Traffic on every replica, 20 predictions every 10 ms, for the whole test up to the feedback.
    const traffic = setInterval(() => predict(replicas[made.length % 3]!, 20, made), 10);
    let killedAt = 0;
    let promotedAt = 0;
    let recoveredAt = 0;
    const [victim] = await cluster.primaries();
    try {
      await waitUntil(
        () => made.length >= 1000 || undefined,
        () => 'traffic before the kill',
        10_000,
        10,
      );
      cluster.kill(victim!);
      killedAt = Date.now();
      // Its replica takes over once the others agree it failed (cluster-node-timeout, 1 s here).
      await waitUntil(
        async () =>
          ((await cluster.primaries()).length === 3 && !(await cluster.primaries()).includes(victim!)) || undefined,
        () => `the replica of ${victim} to be promoted`,
        30_000,
        50,
      );
      promotedAt = Date.now();
      await waitUntil(
        () => stores.every((s) => s.available && s.queued < 100) || undefined,
        () =>
          `the store to recover: ${stores.map((s) => `${s.available}/${s.queued}`).join(' ')}\n${diagnostics.warnings.slice(-6).join('\n')}`,
        30_000,
        20,
      );
      recoveredAt = Date.now();
      // Traffic goes on after the recovery: the store stays up.
      const after = made.length;
      await waitUntil(
        () => made.length >= after + 1000 || undefined,
        () => 'traffic after the recovery',
        10_000,
        10,
      );
    } finally {
      clearInterval(traffic);
    }
    expect(
      stores.every((s) => s.available),
      diagnostics.warnings.join('\n'),
    ).toBe(true);
    expect(recoveredAt - promotedAt).toBeLessThan(RECOVERY_BOUND_MS);
    await waitUntil(
      () => stores.every((s) => s.queued === 0) || undefined,
      () => 'the queues to be written',
      15_000,
    );
    await Promise.all(stores.map((s) => s.flushed()));
    const answers = await feedbackAll(replicas, made);
    const missing = answers.filter((o) => o === 'unmatched').length;
    const joined = answers.filter((o) => o === 'correct' || o === 'incorrect').length;
    const reasons = { unavailable: 0, unknown: 0, lost: 0 };
    for (const reason of Object.keys(reasons) as Array<keyof typeof reasons>)
      reasons[reason] = await total(replicas, METRIC_ML_FEEDBACK_PENDING_DROPPED, { reason });
    const counted = reasons.unavailable + reasons.unknown + reasons.lost;
    const outcomes: Record<string, number> = {};
    for (const o of answers) outcomes[o] = (outcomes[o] ?? 0) + 1;
    expect(joined + missing, `${JSON.stringify(outcomes)}\n${diagnostics.warnings.slice(-3).join('\n')}`).toBe(
      made.length,
    );
    expect(missing).toBe(counted);
    // No restart: the same stores, still open, join new predictions as before.
    expect(replicas.map((r) => r.store)).toEqual(stores);
    const later: Array<{ id: string; label: string }> = [];
    predict(replicas[0]!, 50, later);
    await replicas[0]!.store.flushed();
    const laterAnswers = await feedbackAll(replicas, later);
    expect(laterAnswers.filter((o) => o === 'unmatched' || o === 'unavailable')).toEqual([]);
    console.log(
      `cluster failover: ${made.length} predictions, ${missing} missing, dropped ${JSON.stringify(reasons)}, ` +
        `promoted ${promotedAt - killedAt} ms after the kill, store recovered ${recoveredAt - promotedAt} ms after the promotion`,
    );
  } finally {
    for (const replica of replicas) await replica.close();
  }
});
