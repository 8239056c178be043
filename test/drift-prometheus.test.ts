import { resolve } from 'node:path';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  binCounts,
  buildProfile,
  DriftMonitor,
  psi,
  type CategoricalFeatureProfile,
  type DriftProfile,
  type NumericFeatureProfile,
} from '@modelsight/drift';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { normalGenerator, uniformGenerator } from '@modelsight/test-support';
import { freePort, startPrometheus, type PrometheusServer, type PromSample } from './support/prometheus';

// Two replicas of one service, each with its own DriftMonitor and the real Prometheus exporter,
// scraped by the real Prometheus, which also loads the fleet PSI rules shipped with the package.
const RULES = resolve(__dirname, '../packages/drift/prometheus/fleet-psi.rules.yml');
const MODEL = { name: 'iris-classifier', version: '1.4.0' };

/** Deterministic categories drawn with the given weights. */
function categoriesOf(seed: number, weights: [string, number][]): () => string {
  const u = uniformGenerator(seed);
  return () => {
    const draw = u();
    let cumulative = 0;
    for (const [category, weight] of weights) {
      cumulative += weight;
      if (draw < cumulative) return category;
    }
    return weights[weights.length - 1]![0];
  };
}

interface Replica {
  port: number;
  exporter: PrometheusExporter;
  provider: MeterProvider;
  monitor: DriftMonitor;
  xs: number[];
  categories: string[];
}

async function startReplica(profile: DriftProfile): Promise<Replica> {
  const port = await freePort();
  let exporter!: PrometheusExporter;
  await new Promise<void>((done) => {
    exporter = new PrometheusExporter({ host: '127.0.0.1', port }, () => done());
  });
  const provider = new MeterProvider({ readers: [exporter] });
  const monitor = new DriftMonitor({ model: MODEL, profile, meter: provider.getMeter('drift-test') });
  return { port, exporter, provider, monitor, xs: [], categories: [] };
}

let prometheus: PrometheusServer;
let replicas: Replica[];
let profile: DriftProfile;

beforeAll(async () => {
  const referenceX = normalGenerator(1);
  const referenceC = categoriesOf(2, [
    ['setosa', 0.5],
    ['versicolor', 0.3],
    ['virginica', 0.2],
  ]);
  profile = buildProfile(Array.from({ length: 5000 }, () => ({ x: referenceX(), species: referenceC() })));
  replicas = [await startReplica(profile), await startReplica(profile)];
  prometheus = await startPrometheus({ targets: replicas.map((r) => `127.0.0.1:${r.port}`), ruleFiles: [RULES] });
  // Both replicas scraped once with every bin at zero.
  await prometheus.waitFor('count by (instance) (ml_drift_bin_total)', (s) => s.length === 2);

  // Replica 0 sees shifted inputs and some bad values; replica 1 sees the reference distribution.
  const [shifted, stable] = replicas as [Replica, Replica];
  const shiftedX = normalGenerator(3);
  const shiftedC = categoriesOf(4, [
    ['setosa', 0.2],
    ['versicolor', 0.3],
    ['virginica', 0.5],
  ]);
  for (let i = 0; i < 3000; i++) {
    const row = { x: shiftedX() + 0.8, species: shiftedC() };
    shifted.xs.push(row.x);
    shifted.categories.push(row.species);
    shifted.monitor.observe(row);
  }
  for (let i = 0; i < 7; i++) shifted.monitor.observe({ x: null, species: 'setosa' });
  for (let i = 0; i < 3; i++) shifted.monitor.observe({ x: 'oops', species: 'setosa' });
  for (let i = 0; i < 5; i++) shifted.monitor.observe({ x: 0, species: 'daisy' });
  shifted.xs.push(0, 0, 0, 0, 0);
  shifted.categories.push(...Array(10).fill('setosa'), ...Array(5).fill('daisy'));
  const stableX = normalGenerator(5);
  const stableC = categoriesOf(6, [
    ['setosa', 0.5],
    ['versicolor', 0.3],
    ['virginica', 0.2],
  ]);
  for (let i = 0; i < 2000; i++) {
    const row = { x: stableX(), species: stableC() };
    stable.xs.push(row.x);
    stable.categories.push(row.species);
    stable.monitor.observe(row);
  }
  await prometheus.waitFor('sum(ml_drift_bin_total{ml_feature_name="x"})', (s) => Number(s[0]?.value[1]) === 5005);
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  for (const replica of replicas ?? []) {
    replica.monitor.close();
    await replica.provider.shutdown();
  }
});

const byInstance = (samples: PromSample[]) =>
  Object.fromEntries(samples.map((s) => [s.metric.instance, Number(s.value[1])]));
const instanceOf = (replica: Replica) => `127.0.0.1:${replica.port}`;

it('exports ml_drift_score per feature and method with the contract labels, equal to report()', async () => {
  const samples = await prometheus.query('ml_drift_score{ml_feature_name="x"}');
  expect(samples).toHaveLength(6); // psi, ks, ks_p_value on each replica
  for (const sample of samples) {
    expect(sample.metric).toMatchObject({
      __name__: 'ml_drift_score',
      job: 'modelsight',
      ml_model_name: 'iris-classifier',
      ml_model_version: '1.4.0',
      ml_feature_name: 'x',
    });
    const replica = replicas.find((r) => instanceOf(r) === sample.metric.instance)!;
    const scores = replica.monitor.report().features.find((f) => f.name === 'x')!.scores;
    const method = sample.metric.ml_drift_method as keyof typeof scores;
    expect(Number(sample.value[1])).toBeCloseTo(scores[method]!, 12);
  }
  const methods = await prometheus.query('count by (ml_drift_method) (ml_drift_score{ml_feature_name="species"})');
  expect(methods.map((s) => s.metric.ml_drift_method).sort()).toEqual(['chi2', 'psi']);
});

it('flags drift on the replica with shifted inputs only', async () => {
  const detected = byInstance(await prometheus.query('ml_drift_detected{ml_feature_name="x"}'));
  expect(detected).toEqual({ [instanceOf(replicas[0]!)]: 1, [instanceOf(replicas[1]!)]: 0 });
  const psiScores = byInstance(await prometheus.query('ml_drift_score{ml_feature_name="x", ml_drift_method="psi"}'));
  expect(psiScores[instanceOf(replicas[0]!)]).toBeGreaterThanOrEqual(0.2);
  expect(psiScores[instanceOf(replicas[1]!)]).toBeLessThan(0.1);
});

it('exports the window size and the missing and invalid counters with their reasons', async () => {
  expect(byInstance(await prometheus.query('ml_drift_window_samples{ml_feature_name="x"}'))).toEqual({
    [instanceOf(replicas[0]!)]: 1000,
    [instanceOf(replicas[1]!)]: 1000,
  });
  const shifted = instanceOf(replicas[0]!);
  const value = async (promql: string) => Number((await prometheus.query(promql))[0]?.value[1]);
  expect(await value(`ml_data_missing_total{instance="${shifted}", ml_feature_name="x"}`)).toBe(7);
  expect(await value(`ml_data_invalid_total{instance="${shifted}", ml_feature_name="x", reason="type"}`)).toBe(3);
  expect(
    await value(`ml_data_invalid_total{instance="${shifted}", ml_feature_name="species", reason="unseen_category"}`),
  ).toBe(5);
  const reasons = await prometheus.query('count by (reason) (ml_data_invalid_total)');
  expect(reasons.map((s) => s.metric.reason).sort()).toEqual(['out_of_range', 'type', 'unseen_category']);
});

it('exports a bin counter and a reference ratio for every bin, with the same labels', async () => {
  const x = profile.features.find((f) => f.name === 'x') as NumericFeatureProfile;
  const ratios = await prometheus.query(
    'max by (ml_model_name, ml_model_version, ml_feature_name, ml_drift_bin) (ml_drift_reference_ratio{ml_feature_name="x"})',
  );
  const byBin = Object.fromEntries(ratios.map((s) => [s.metric.ml_drift_bin, Number(s.value[1])]));
  expect(Object.keys(byBin).sort((a, b) => Number(a) - Number(b))).toEqual(x.proportions.map((_, i) => String(i)));
  x.proportions.forEach((p, i) => expect(byBin[String(i)]).toBeCloseTo(p, 12));
  const unmatched = await prometheus.query(
    'ml_drift_bin_total unless on (instance, ml_feature_name, ml_drift_bin) ml_drift_reference_ratio',
  );
  expect(unmatched).toEqual([]);
});

it('computes the fleet PSI in Prometheus from the bins of both replicas, equal to psi() of their union', async () => {
  const x = profile.features.find((f) => f.name === 'x') as NumericFeatureProfile;
  const species = profile.features.find((f) => f.name === 'species') as CategoricalFeatureProfile;
  const unionX = binCounts([...replicas[0]!.xs, ...replicas[1]!.xs], x.edges);
  const known = new Map(species.categories.map((c, i) => [c, i]));
  const unionSpecies = new Array<number>(species.proportions.length).fill(0);
  for (const c of [...replicas[0]!.categories, ...replicas[1]!.categories]) {
    unionSpecies[known.get(c) ?? species.categories.length]! += 1;
  }
  const expected = { x: psi(x.proportions, unionX), species: psi(species.proportions, unionSpecies) };
  const samples = await prometheus.waitFor('ml_feature:ml_drift_psi:fleet1h', (s) => {
    const got = Object.fromEntries(s.map((sample) => [sample.metric.ml_feature_name, Number(sample.value[1])]));
    return Math.abs(got.x! - expected.x) <= 1e-6 && Math.abs(got.species! - expected.species) <= 1e-6;
  });
  expect(samples.map((s) => s.metric)).toContainEqual({
    __name__: 'ml_feature:ml_drift_psi:fleet1h',
    ml_model_name: 'iris-classifier',
    ml_model_version: '1.4.0',
    ml_feature_name: 'x',
  });
  // The fleet value differs from either replica's own window score.
  expect(expected.x).toBeGreaterThan(0.05);
  expect(expected.x).not.toBeCloseTo(replicas[0]!.monitor.report().features[0]!.scores.psi!, 2);
});
