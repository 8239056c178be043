import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chiSquareTest, jensenShannon, psi } from '@modelsight/drift';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateRows, toCsv, writeText } from '../packages/cli/test/support/data-files.cjs';
import { openInChromium, type OpenedPage } from './support/chromium';
import { modelsight } from './support/modelsight-cli';
import { startPreloaded, type PreloadedService } from './support/service-process';

// `modelsight report --metrics` against a real service: a model behind HTTP under the preload, whose
// DriftMonitor watches the profile the command line built, fed shifted traffic over HTTP.
const FIXTURE = resolve(__dirname, 'fixtures/drift-report-service.cjs');
const TRAFFIC = 600;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface ReportFeature {
  name: string;
  type: 'numeric' | 'categorical';
  present: boolean;
  drifted: boolean;
  ready: boolean;
  samples: number;
  scores: Record<string, number>;
  sinceStart: Record<string, number>;
  missing: number;
  bins: { reference: number; count: number; current: number }[];
}
interface Report {
  source: { kind: string; model: string; version: string };
  features: ReportFeature[];
  quality?: { predictions?: { ok: number; error: number } };
  warnings: string[];
}

let dir: string;
let service: PreloadedService;
let scrapeText: string;
let scrape: Sample[];
let report: Report;
let opened: OpenedPage;

/** The samples of one scrape, read independently of the command line's parser. */
function parse(text: string): Sample[] {
  return text.split('\n').flatMap((line) => {
    const match = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (!match) return [];
    const labels = Object.fromEntries([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    return [{ name: match[1]!, labels, value: Number(match[3]) }];
  });
}

const of = (name: string, feature: string, extra: Record<string, string> = {}) =>
  scrape.filter(
    (s) =>
      s.name === name &&
      s.labels.ml_feature_name === feature &&
      Object.entries(extra).every(([k, v]) => s.labels[k] === v),
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modelsight-report-metrics-'));
  writeText(join(dir, 'train.csv'), toCsv(generateRows(5000, 51)));
  modelsight(['profile', 'build', 'train.csv', '--label', 'churned', '--out', 'profile.json'], dir);
  service = await startPreloaded({
    script: FIXTURE,
    env: { PROFILE: join(dir, 'profile.json'), OTEL_TRACES_EXPORTER: 'none' },
  });
  // Shifted inputs only: the service predicts and watches its own outputs.
  const rows = generateRows(TRAFFIC, 52, 1).map(({ age, income, accounts, city, plan }) => ({
    age,
    income,
    accounts,
    city,
    plan,
  }));
  for (let i = 0; i < rows.length; i += 200) {
    const response = await fetch(`${service.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(rows.slice(i, i + 200)),
    });
    expect(response.status).toBe(200);
  }
  const url = `http://127.0.0.1:${service.metricsPort}/metrics`;
  modelsight(['report', '--profile', 'profile.json', '--metrics', url, '--out', 'report.json'], dir);
  modelsight(['report', '--profile', 'profile.json', '--metrics', url, '--out', 'report.html'], dir);
  // No traffic since: this scrape shows what the command line saw.
  scrapeText = await service.scrape();
  scrape = parse(scrapeText);
  report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
});

afterAll(async () => {
  await opened?.close();
  await service?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('reports on the model and version the service exports', () => {
  expect(report.source).toMatchObject({ kind: 'metrics', model: 'churn-model', version: '2.0.0' });
  expect(report.warnings).toEqual([]);
  expect(report.quality?.predictions).toEqual({ ok: TRAFFIC, error: 0 });
});

it('shows the window scores and drift decisions the service exports', () => {
  expect(report.features.map((f) => f.name).sort()).toEqual([
    'accounts',
    'age',
    'city',
    'income',
    'plan',
    'prediction.confidence',
    'prediction.label',
  ]);
  for (const feature of report.features) {
    const scores = Object.fromEntries(
      of('ml_drift_score', feature.name).map((s) => [s.labels.ml_drift_method, s.value]),
    );
    expect(feature.scores).toEqual(scores);
    expect(feature.drifted).toBe(of('ml_drift_detected', feature.name)[0]!.value === 1);
    expect(feature.samples).toBe(of('ml_drift_window_samples', feature.name)[0]!.value);
    expect(feature.missing).toBe(of('ml_data_missing_total', feature.name)[0]!.value);
  }
  expect(report.features.filter((f) => f.drifted).map((f) => f.name)).toEqual(expect.arrayContaining(['age', 'city']));
});

it('scores every value since the start from the bin counters, with @modelsight/drift', () => {
  for (const feature of report.features) {
    const bins = feature.bins.length;
    const counts = Array.from(
      { length: bins },
      (_, i) => of('ml_drift_bin_total', feature.name, { ml_drift_bin: String(i) })[0]!.value,
    );
    const ratios = Array.from(
      { length: bins },
      (_, i) => of('ml_drift_reference_ratio', feature.name, { ml_drift_bin: String(i) })[0]!.value,
    );
    expect(feature.bins.map((b) => b.count)).toEqual(counts);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(TRAFFIC - feature.missing);
    expect(feature.sinceStart.psi).toBe(psi(ratios, counts));
    expect(feature.sinceStart.jensen_shannon).toBe(jensenShannon(ratios, counts));
    if (feature.type === 'categorical') expect(feature.sinceStart.chi2).toBe(chiSquareTest(ratios, counts).pValue);
  }
});

it('reads a saved scrape as it reads the endpoint', () => {
  writeFileSync(join(dir, 'scrape.txt'), scrapeText);
  modelsight(['report', '--profile', 'profile.json', '--metrics', 'scrape.txt', '--out', 'saved.json'], dir);
  const saved = JSON.parse(readFileSync(join(dir, 'saved.json'), 'utf8')) as Report;
  expect(saved.features).toEqual(report.features);
});

it('asks which model to report on when /metrics has several, and reports on the one chosen', () => {
  // The same series again for a canary version of the model.
  const canary = scrapeText
    .split('\n')
    .filter((line) => line.includes('ml_model_version="2.0.0"'))
    .map((line) => line.replace('ml_model_version="2.0.0"', 'ml_model_version="2.1.0-canary"'));
  writeFileSync(join(dir, 'two-versions.txt'), `${scrapeText}\n${canary.join('\n')}\n`);
  const refused = modelsight(
    ['report', '--profile', 'profile.json', '--metrics', 'two-versions.txt', '--out', 'two.json'],
    dir,
    2,
  );
  expect(refused.stderr).toContain(
    'several models (churn-model 2.0.0, churn-model 2.1.0-canary): choose one with --model NAME --model-version VERSION',
  );
  modelsight(
    [
      'report',
      '--profile',
      'profile.json',
      '--metrics',
      'two-versions.txt',
      '--model-version',
      '2.1.0-canary',
      '--out',
      'canary.json',
    ],
    dir,
  );
  const chosen = JSON.parse(readFileSync(join(dir, 'canary.json'), 'utf8')) as Report;
  expect(chosen.source.version).toBe('2.1.0-canary');
  expect(chosen.features.map((f) => f.scores)).toEqual(report.features.map((f) => f.scores));
});

it('opens in Chromium with a chart per feature, the drifted ones marked, and nothing requested', async () => {
  const html = join(dir, 'report.html');
  opened = await openInChromium(html);
  const { page } = opened;
  expect(await page.locator('#summary-table tbody tr').count()).toBe(report.features.length);
  expect(await page.locator('article.feature svg.chart').count()).toBe(report.features.length);
  const marked = await page
    .locator('article.feature.drifted')
    .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-feature')));
  expect(marked.sort()).toEqual(
    report.features
      .filter((f) => f.drifted)
      .map((f) => f.name)
      .sort(),
  );
  expect(await page.locator('.meta').textContent()).toContain('model churn-model 2.0.0');
  expect(opened.problems).toEqual([]);
  expect(opened.requests).toEqual([pathToFileURL(html).href]);
  await opened.screenshot('report-metrics.png');
});
