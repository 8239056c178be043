import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IRIS_ROWS, irisExampleScript } from './support/iris-example';
import { startPrometheus, type PrometheusServer } from './support/prometheus';
import { startRedis, type RedisServer } from './support/redis-server';
import { predict, startPreloaded, type PreloadedService } from './support/service-process';

// Three processes of the iris example under the preload, on one real redis-server
// (MODELSIGHT_FEEDBACK_STORE=redis), scraped by a real Prometheus. Every label is sent to another
// replica than the one that predicted, as a load balancer would: every one joins, a duplicate sent
// to a third replica is counted once, and the fleet accuracy from the counters equals the accuracy
// of all the labels.

const FLEET_ACCURACY =
  'sum by (ml_model_version) (ml_feedback_total{ml_feedback_outcome="correct"})' +
  ' / sum by (ml_model_version) (ml_feedback_total{ml_feedback_outcome=~"correct|incorrect"})';

const post = async (replica: PreloadedService, body: unknown) => {
  const response = await fetch(`${replica.url}/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, outcome: ((await response.json()) as { outcome?: string }).outcome };
};

describe('three replicas of the iris service on one Redis', () => {
  let redis: RedisServer;
  let prometheus: PrometheusServer;
  const replicas: PreloadedService[] = [];
  const answers: Array<{ status: number; outcome?: string }> = [];
  const duplicates: Array<{ status: number; outcome?: string }> = [];
  let expectedAccuracy = 0;
  let labels = 0;

  beforeAll(async () => {
    redis = await startRedis();
    for (let i = 0; i < 3; i++) {
      const service = await startPreloaded({
        script: irisExampleScript('require'),
        env: {
          MODEL_VERSION: '4.0.0',
          OTEL_TRACES_EXPORTER: 'none',
          MODELSIGHT_FEEDBACK_STORE: 'redis',
          MODELSIGHT_REDIS_URL: redis.url,
          PREDICTION_LOG_SAMPLE_RATE: '0',
        },
      });
      replicas.push(service);
    }
    prometheus = await startPrometheus({ targets: replicas.map((replica) => `127.0.0.1:${replica.metricsPort}`) });

    // 90 predictions, 30 on each replica; every fifth label sent back is another class.
    const made: Array<{ id: string; predicted: string; truth: string }> = [];
    for (let i = 0; i < 90; i++) {
      const row = IRIS_ROWS[i % 3]!;
      const answer = await predict<{ prediction: string; predictionId: string }>(replicas[i % 3]!, row.features);
      const truth = i % 5 === 0 ? IRIS_ROWS[(i + 1) % 3]!.label : row.label;
      made.push({ id: answer.predictionId, predicted: answer.prediction, truth });
    }
    for (const [i, { id, truth }] of made.entries())
      answers.push(await post(replicas[(i + 1) % 3]!, { predictionId: id, label: truth }));
    for (const [i, { id, truth }] of made.slice(0, 30).entries())
      duplicates.push(await post(replicas[(i + 2) % 3]!, { predictionId: id, label: truth }));
    labels = made.length;
    expectedAccuracy = made.filter((m) => m.predicted === m.truth).length / made.length;
  });

  afterAll(async () => {
    await prometheus?.stop();
    for (const replica of replicas) await replica.stop();
    await redis?.remove();
  });

  it('joins every label sent to another replica than the one that predicted', () => {
    expect(answers).toHaveLength(90);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(90);
    expect(answers.filter((a) => a.outcome === 'incorrect')).toHaveLength(18);
  });

  it('answers a duplicate sent to a third replica 409, and counts it once as a duplicate', async () => {
    expect(duplicates.map((d) => [d.status, d.outcome])).toEqual(Array.from({ length: 30 }, () => [409, 'duplicate']));
    const counted = await prometheus.waitFor(
      'sum(ml_feedback_total{ml_feedback_outcome="duplicate"})',
      (s) => Number(s[0]?.value[1]) === 30,
    );
    expect(Number(counted[0]!.value[1])).toBe(30);
  });

  it('counts each label once across the fleet, and none unmatched', async () => {
    const joined = await prometheus.waitFor(
      'sum(ml_feedback_total{ml_feedback_outcome=~"correct|incorrect"})',
      (s) => Number(s[0]?.value[1]) === labels,
    );
    expect(Number(joined[0]!.value[1])).toBe(labels);
    const perReplica = await prometheus.query(
      'sum by (instance) (ml_feedback_total{ml_feedback_outcome=~"correct|incorrect"})',
    );
    expect(perReplica.map((s) => Number(s.value[1])).sort()).toEqual([30, 30, 30]);
    expect(await prometheus.query('sum(ml_feedback_total{ml_feedback_outcome=~"unmatched|unavailable"}) > 0')).toEqual(
      [],
    );
  });

  it('gives the fleet accuracy from the counters of the three replicas, equal to the accuracy of all the labels', async () => {
    const samples = await prometheus.waitFor(
      FLEET_ACCURACY,
      (s) => s.length === 1 && Math.abs(Number(s[0]!.value[1]) - expectedAccuracy) < 1e-12,
    );
    expect(expectedAccuracy).toBeCloseTo(72 / 90, 12);
    expect(samples[0]!.metric.ml_model_version).toBe('4.0.0');
    expect(Number(samples[0]!.value[1])).toBeCloseTo(expectedAccuracy, 12);
  });

  it('keeps no prediction waiting in Redis once every one got its feedback', async () => {
    const keys = (await redis.cli('--scan', '--pattern', 'ms:fb:p:*')).split('\n').filter(Boolean);
    expect(keys).toHaveLength(90);
    const states = await Promise.all(keys.slice(0, 10).map((key) => redis.cli('getrange', key, '0', '0')));
    expect(states).toEqual(Array.from({ length: 10 }, () => 'C'));
  });
});
