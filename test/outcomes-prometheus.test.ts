import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IRIS_ROWS, irisExampleScript } from './support/iris-example';
import { startPrometheus, type PrometheusServer } from './support/prometheus';
import { startRedis, type RedisServer } from './support/redis-server';
import { predict, startPreloaded, type PreloadedService } from './support/service-process';

// Two versions of the iris example, two replicas each, under the preload and on one real
// redis-server, scraped by a real Prometheus. Clients report conversions and purchases of each
// prediction to the other replica of its version (and conversions a second time to the one that
// predicted, a duplicate). The PromQL of the core README, run as it is written there, and the
// stack's recording rules give the known conversion rate and value per 1,000 predictions of each
// version.
//
// rate() extrapolates each series from its first and last samples in the window. The traffic comes
// in two rounds of the same shape, the first before Prometheus starts: every replica's counters are
// then in the same proportion at its first and at its last sample, so the extrapolation scales the
// numerator and the denominator of each replica alike and the ratios are exact.

const root = resolve(__dirname, '..');
const readme = readFileSync(resolve(root, 'packages/core/README.md'), 'utf8');
/** The first PromQL block after `heading` in the core README. */
const promqlAfter = (heading: string): string => {
  const at = readme.indexOf(heading);
  const block = /```promql\n([\s\S]+?)```/.exec(readme.slice(at));
  if (at < 0 || !block) throw new Error(`no PromQL after ${heading} in the core README`);
  return block[1]!.trim();
};
const CONVERSION_RATE = promqlAfter('**Conversion rate per version**');
const VALUE_PER_1K = promqlAfter('**Value per 1,000 predictions per version**');

const PER_ROUND = 20;
const PURCHASE = 12.5;
/** Per version: which of a replica's predictions of a round convert, and which end in a purchase. */
const VERSIONS = {
  '1.0.0': { converts: (i: number) => i % 4 === 0, buys: (i: number) => i % 5 === 0 }, // 25%; 4 × 12.5 per 20
  '2.0.0': { converts: (i: number) => i % 10 === 0, buys: (i: number) => i % 20 === 0 }, // 10%; 1 × 12.5 per 20
} as const;
const EXPECTED = {
  '1.0.0': { rate: 0.25, valuePer1k: (4 * PURCHASE * 1000) / PER_ROUND },
  '2.0.0': { rate: 0.1, valuePer1k: (1 * PURCHASE * 1000) / PER_ROUND },
};

const post = async (replica: PreloadedService, path: string, body: unknown) => {
  const response = await fetch(`${replica.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return ((await response.json()) as { outcome?: string }).outcome;
};

describe('conversion rate and value per 1,000 predictions of two versions, from a real Prometheus', () => {
  let redis: RedisServer;
  let prometheus: PrometheusServer;
  const replicas: Array<{ version: keyof typeof VERSIONS; service: PreloadedService }> = [];
  const answers: Array<string | undefined> = [];
  const duplicates: Array<string | undefined> = [];

  /** One round: each replica predicts; each outcome goes to the other replica of the version. */
  async function round(): Promise<void> {
    for (const version of Object.keys(VERSIONS) as Array<keyof typeof VERSIONS>) {
      const pair = replicas.filter((r) => r.version === version).map((r) => r.service);
      const made: string[][] = [[], []];
      for (const [side, replica] of pair.entries()) {
        for (let i = 0; i < PER_ROUND; i++) {
          const answer = await predict<{ predictionId: string }>(replica, IRIS_ROWS[i % 3]!.features);
          made[side]!.push(answer.predictionId);
        }
      }
      for (const [side, ids] of made.entries()) {
        const other = pair[1 - side]!;
        for (const [i, predictionId] of ids.entries()) {
          if (VERSIONS[version].converts(i)) {
            answers.push(await post(other, '/outcome', { predictionId, name: 'conversion' }));
            duplicates.push(await post(pair[side]!, '/outcome', { predictionId, name: 'conversion' }));
          }
          if (VERSIONS[version].buys(i))
            answers.push(await post(other, '/outcome', { predictionId, name: 'purchase', value: PURCHASE }));
        }
      }
    }
  }

  beforeAll(async () => {
    redis = await startRedis();
    for (const version of Object.keys(VERSIONS) as Array<keyof typeof VERSIONS>) {
      for (let i = 0; i < 2; i++) {
        const service = await startPreloaded({
          script: irisExampleScript('require'),
          env: {
            MODEL_VERSION: version,
            OTEL_TRACES_EXPORTER: 'none',
            MODELSIGHT_FEEDBACK_STORE: 'redis',
            MODELSIGHT_REDIS_URL: redis.url,
            PREDICTION_LOG_SAMPLE_RATE: '0',
          },
        });
        replicas.push({ version, service });
      }
    }
    await round();
    prometheus = await startPrometheus({
      targets: replicas.map((r) => `127.0.0.1:${r.service.metricsPort}`),
      ruleFiles: [resolve(root, 'examples/stack/prometheus/rules/modelsight-recording.rules.yml')],
    });
    // Every replica scraped once with the first round's counts, before the second round.
    await prometheus.waitFor('count(ml_outcome_value_sum{ml_outcome_name="purchase"})', (s) => s[0]?.value[1] === '4');
    await round();
    const predictions = 2 * 4 * PER_ROUND;
    await prometheus.waitFor(
      'sum(ml_predictions_total{ml_prediction_status="ok"})',
      (s) => Number(s[0]?.value[1]) === predictions,
    );
    // Conversions: 2 rounds × 2 replicas × (5 of version 1, 2 of version 2).
    await prometheus.waitFor('sum(ml_outcome_total{ml_outcome_name="conversion"})', (s) => s[0]?.value[1] === '28');
    await prometheus.waitFor(
      'sum(ml_outcome_value_sum{ml_outcome_name="purchase"})',
      (s) => Number(s[0]?.value[1]) === 2 * 2 * 5 * PURCHASE,
    );
  });

  afterAll(async () => {
    await prometheus?.stop();
    for (const { service } of replicas) await service.stop();
    await redis?.remove();
  });

  it('counts every outcome sent to the other replica, and the second report of a conversion as a duplicate', () => {
    expect(answers).toHaveLength(2 * 2 * (5 + 4 + 2 + 1));
    expect(answers.every((answer) => answer === 'counted')).toBe(true);
    expect(duplicates).toHaveLength(28);
    expect(duplicates.every((answer) => answer === 'duplicate')).toBe(true);
  });

  it("gives each version's conversion rate with the README's query", async () => {
    const samples = await prometheus.query(CONVERSION_RATE);
    const byVersion = Object.fromEntries(samples.map((s) => [s.metric.ml_model_version, Number(s.value[1])]));
    expect(Object.keys(byVersion).sort()).toEqual(['1.0.0', '2.0.0']);
    expect(byVersion['1.0.0']).toBeCloseTo(EXPECTED['1.0.0'].rate, 9);
    expect(byVersion['2.0.0']).toBeCloseTo(EXPECTED['2.0.0'].rate, 9);
  });

  it("gives each version's purchase value per 1,000 predictions with the README's query", async () => {
    const samples = await prometheus.query(VALUE_PER_1K);
    const byVersion = Object.fromEntries(samples.map((s) => [s.metric.ml_model_version, Number(s.value[1])]));
    expect(byVersion['1.0.0']).toBeCloseTo(EXPECTED['1.0.0'].valuePer1k, 6);
    expect(byVersion['2.0.0']).toBeCloseTo(EXPECTED['2.0.0'].valuePer1k, 6);
  });

  it('records the same figures with the rules of the stack', async () => {
    const rates = await prometheus.waitFor(
      'ml_model:ml_outcome:ratio_rate1h{ml_outcome_name="conversion"}',
      (s) =>
        s.length === 2 &&
        s.every((x) => Math.abs(Number(x.value[1]) - EXPECTED[x.metric.ml_model_version as '1.0.0'].rate) < 1e-9),
    );
    expect(rates).toHaveLength(2);
    const values = await prometheus.waitFor(
      'ml_model:ml_outcome_value:per1k_predictions_rate1h{ml_outcome_name="purchase"}',
      (s) =>
        s.length === 2 &&
        s.every((x) => Math.abs(Number(x.value[1]) - EXPECTED[x.metric.ml_model_version as '1.0.0'].valuePer1k) < 1e-6),
    );
    expect(values).toHaveLength(2);
  });
});
