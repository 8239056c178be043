import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateRows, toCsv, writeText } from '../packages/cli/test/support/data-files.cjs';
import { openInChromium, type OpenedPage } from './support/chromium';
import { modelsight } from './support/modelsight-cli';
import { startPrometheus, type PrometheusServer } from './support/prometheus';
import { startPreloaded, type PreloadedService } from './support/service-process';

// `modelsight report --prometheus` against a real fleet: three replicas of a model service under the
// preload, each sent a different share of shifted traffic and some true labels, scraped by a real
// Prometheus. The fleet report must give the numbers of `modelsight report --current` on the union of
// the rows the three replicas saw: the same bin counts, the same PSI, Jensen–Shannon and χ², the same
// decisions, and the accuracy of all the labels.

const FIXTURE = resolve(__dirname, 'fixtures/fleet-replica-service.cjs');
const SHIFTED_SHARES = [0.2, 0.7, 1];
const ROWS_PER_REPLICA = [500, 400, 300];
const LABELLED_PER_REPLICA = 60;

type Row = ReturnType<typeof generateRows>[number];
interface ReportFeature {
  name: string;
  drifted: boolean;
  ready: boolean;
  samples: number;
  scores: Record<string, number>;
  missing: number;
  bins: { reference: number; count: number }[];
}
interface Report {
  source: { kind: string; model: string; version: string; replicas?: number; range?: string };
  drifted: boolean;
  features: ReportFeature[];
  quality?: { predictions?: { ok: number; error: number }; labelled?: number; correct?: number; accuracy?: number };
  warnings: string[];
}

let dir: string;
let prometheus: PrometheusServer;
const replicas: PreloadedService[] = [];
let fleet: Report;
let union: Report;
let labelled = 0;
let correct = 0;
let opened: OpenedPage;

const readReport = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Report;
const inputsOf = (row: Row) => {
  const { age, income, accounts, city, plan } = row;
  return { age, income, accounts, city, plan };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modelsight-report-prometheus-'));
  writeText(join(dir, 'train.csv'), toCsv(generateRows(5000, 61)));
  modelsight(['profile', 'build', 'train.csv', '--label', 'churned', '--out', 'profile.json'], dir);
  for (let i = 0; i < 3; i++) {
    replicas.push(
      await startPreloaded({
        script: FIXTURE,
        env: { PROFILE: join(dir, 'profile.json'), OTEL_TRACES_EXPORTER: 'none', OTEL_SERVICE_NAME: `replica-${i}` },
      }),
    );
  }
  prometheus = await startPrometheus({ targets: replicas.map((r) => `127.0.0.1:${r.metricsPort}`) });
  // Every replica scraped once before any row, so that increase() over a range sees each counter from 0.
  await prometheus.waitFor('count(count by (instance) (ml_drift_bin_total))', (s) => s[0]?.value[1] === '3');

  // The rows each replica saw, with the model's outputs, make the union that `--current` reads.
  const seen: Row[] = [];
  for (const [i, replica] of replicas.entries()) {
    const count = ROWS_PER_REPLICA[i]!;
    const shifted = Math.round(count * SHIFTED_SHARES[i]!);
    const rows = [...generateRows(count - shifted, 70 + i), ...generateRows(shifted, 80 + i, 1)];
    const response = await fetch(`${replica.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(rows.map(inputsOf)),
    });
    expect(response.status).toBe(200);
    const answers = (await response.json()) as { label: string; confidence: number; id: string }[];
    rows.forEach((row, j) =>
      seen.push({
        ...inputsOf(row),
        'prediction.label': answers[j]!.label,
        'prediction.confidence': answers[j]!.confidence,
      }),
    );
    const labels = rows.slice(0, LABELLED_PER_REPLICA).map((row, j) => ({ id: answers[j]!.id, label: row.churned }));
    const outcomes = (await (
      await fetch(`${replica.url}/feedback`, { method: 'POST', body: JSON.stringify(labels) })
    ).json()) as string[];
    labelled += outcomes.length;
    correct += outcomes.filter((o) => o === 'correct').length;
  }
  writeText(join(dir, 'union.csv'), toCsv(seen));

  const total = ROWS_PER_REPLICA.reduce((a, b) => a + b, 0);
  // Every row has an age (income is sometimes missing): once the age bins hold them all, Prometheus has every scrape
  // that followed the traffic.
  await prometheus.waitFor(
    'sum(ml_drift_bin_total{ml_model_name="churn-model",ml_feature_name="age"})',
    (answer) => Number(answer[0]?.value[1]) === total,
  );
  await prometheus.waitFor(
    'sum(ml_feedback_total{ml_model_name="churn-model"})',
    (answer) => Number(answer[0]?.value[1]) === labelled,
  );

  const fleetArgs = ['report', '--profile', 'profile.json', '--prometheus', prometheus.url, '--model', 'churn-model'];
  modelsight([...fleetArgs, '--out', 'fleet.json'], dir);
  modelsight([...fleetArgs, '--out', 'fleet.html'], dir);
  modelsight(['report', '--profile', 'profile.json', '--current', 'union.csv', '--out', 'union.json'], dir);
  fleet = readReport('fleet.json');
  union = readReport('union.json');
});

afterAll(async () => {
  await opened?.close();
  await prometheus?.stop();
  for (const replica of replicas) await replica.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('reports on the model version of every replica that Prometheus scrapes', () => {
  expect(fleet.source).toMatchObject({ kind: 'prometheus', model: 'churn-model', version: '2.0.0', replicas: 3 });
  expect(fleet.warnings).toEqual([]);
});

it('counts in each bin what the three replicas counted together', () => {
  const byName = new Map(union.features.map((f) => [f.name, f]));
  expect(fleet.features.map((f) => f.name).sort()).toEqual([...byName.keys()].sort());
  for (const feature of fleet.features) {
    const expected = byName.get(feature.name)!;
    expect(
      feature.bins.map((b) => b.count),
      feature.name,
    ).toEqual(expected.bins.map((b) => b.count));
    expect(feature.samples, feature.name).toBe(expected.samples);
    expect(feature.missing, feature.name).toBe(expected.missing);
  }
});

it('scores the fleet as one monitor that saw every row would, with the same drift decisions', () => {
  const byName = new Map(union.features.map((f) => [f.name, f]));
  for (const feature of fleet.features) {
    const expected = byName.get(feature.name)!;
    for (const method of ['psi', 'jensen_shannon', 'chi2']) {
      if (expected.scores[method] === undefined) continue;
      expect(Math.abs(feature.scores[method]! - expected.scores[method]!), `${feature.name} ${method}`).toBeLessThan(
        1e-9,
      );
    }
    expect(feature.drifted, feature.name).toBe(expected.scores.psi! >= 0.2);
  }
  // Two thirds of the traffic shifted in all: the shifted ages drift across the fleet.
  expect(fleet.features.filter((f) => f.drifted).map((f) => f.name)).toEqual(expect.arrayContaining(['age']));
});

it('sums the predictions and the true labels of every replica', () => {
  const total = ROWS_PER_REPLICA.reduce((a, b) => a + b, 0);
  expect(fleet.quality?.predictions).toEqual({ ok: total, error: 0 });
  expect(fleet.quality).toMatchObject({ labelled, correct });
  expect(fleet.quality?.accuracy).toBeCloseTo(correct / labelled, 12);
});

it('counts over a range with --range', () => {
  const args = ['report', '--profile', 'profile.json', '--prometheus', prometheus.url, '--model', 'churn-model'];
  modelsight([...args, '--range', '10m', '--out', 'range.json'], dir);
  const ranged = readReport('range.json');
  expect(ranged.source.range).toBe('10m');
  const total = ROWS_PER_REPLICA.reduce((a, b) => a + b, 0);
  // increase() extrapolates to the edges of the range: close to every row, never none.
  for (const feature of ranged.features) expect(feature.samples / total, feature.name).toBeGreaterThan(0.9);
});

it('names the models Prometheus has when the one asked for is not there, and writes nothing', () => {
  const args = ['report', '--profile', 'profile.json', '--prometheus', prometheus.url, '--model', 'iris'];
  const { stderr } = modelsight([...args, '--out', 'none.json'], dir, 2);
  expect(stderr).toContain('no drift series');
  expect(stderr).toContain('"churn-model"');
});

it('opens in Chromium with the fleet in its header, a chart per feature, and nothing requested', async () => {
  const html = join(dir, 'fleet.html');
  opened = await openInChromium(html);
  const { page } = opened;
  expect(await page.locator('#summary-table tbody tr').count()).toBe(fleet.features.length);
  expect(await page.locator('article.feature svg.chart').count()).toBe(fleet.features.length);
  const marked = await page
    .locator('article.feature.drifted')
    .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-feature')));
  expect(marked.sort()).toEqual(
    fleet.features
      .filter((f) => f.drifted)
      .map((f) => f.name)
      .sort(),
  );
  const meta = await page.locator('.meta').textContent();
  expect(meta).toContain('model churn-model 2.0.0');
  expect(meta).toContain('3 replicas');
  expect(opened.problems).toEqual([]);
  expect(opened.requests).toEqual([pathToFileURL(html).href]);
  await opened.screenshot('report-prometheus.png');
});
