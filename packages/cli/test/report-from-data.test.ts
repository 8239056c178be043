import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DriftMonitor, type DriftProfile } from '@modelsight/drift';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ReportDocument } from '../src/report/report-types';
import { generateRows, toCsv, writeText, type Row } from './support/data-files.cjs';
import { runCli, tempDir } from './support/run-cli';

// The report's numbers are those of a DriftMonitor fed the same rows, with every method on.
const reference = generateRows(4000, 21);
const current = generateRows(1500, 22, 1);
let dir: string;
let profile: DriftProfile;

function report(...options: string[]): ReportDocument {
  const out = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  const result = runCli([
    'report',
    '--profile',
    join(dir, 'profile.json'),
    '--current',
    join(dir, 'current.csv'),
    '--out',
    out,
    ...options,
  ]);
  expect(result.code).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as ReportDocument;
}

beforeAll(() => {
  dir = tempDir();
  writeText(join(dir, 'train.csv'), toCsv(reference));
  writeText(join(dir, 'current.csv'), toCsv(current));
  expect(
    runCli(['profile', 'build', join(dir, 'train.csv'), '--label', 'churned', '--out', join(dir, 'profile.json')]).code,
  ).toBe(0);
  profile = JSON.parse(readFileSync(join(dir, 'profile.json'), 'utf8')) as DriftProfile;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('scores, decisions, counts and bins are those of a DriftMonitor over the same rows', () => {
  const monitor = new DriftMonitor({
    model: { name: 'churn', version: '1' },
    profile,
    windowSize: current.length,
    numericMethods: ['psi', 'ks', 'wasserstein', 'jensen_shannon'],
    categoricalMethods: ['psi', 'jensen_shannon', 'chi2'],
  });
  for (const row of current)
    monitor.observe(row, { label: row['prediction.label'], confidence: row['prediction.confidence'] });
  const expected = monitor.report();
  const doc = report();
  expect(doc.drifted).toBe(expected.drifted);
  expect(doc.features).toHaveLength(expected.features.length);
  for (const f of expected.features) {
    const got = doc.features.find((x) => x.name === f.name)!;
    expect({
      name: got.name,
      scores: got.scores,
      drifted: got.drifted,
      driftedBy: got.driftedBy,
      missing: got.missing,
      invalid: got.invalid,
      samples: got.samples,
      role: got.role,
    }).toEqual({
      name: f.name,
      scores: f.scores,
      drifted: f.drifted,
      driftedBy: f.driftedBy,
      missing: f.missing,
      invalid: f.invalid,
      samples: f.windowSamples,
      role: f.role,
    });
    expect(got.bins.map((b) => [b.description, b.reference, b.current, b.count])).toEqual(
      f.bins.map((b) => [b.description, b.reference, b.current, b.total]),
    );
  }
  // The shift drifts age and city; the monitor's defaults (PSI >= 0.2) decide.
  expect(doc.features.filter((f) => f.drifted).map((f) => f.name)).toEqual(expect.arrayContaining(['age', 'city']));
});

test('features are ordered by drift: drifted first, then by PSI', () => {
  const doc = report();
  const drifted = doc.features.map((f) => f.drifted);
  expect(drifted).toEqual([...drifted].sort((a, b) => Number(b) - Number(a)));
  const psi = doc.features.filter((f) => !f.drifted).map((f) => f.scores.psi!);
  expect(psi).toEqual([...psi].sort((a, b) => b - a));
});

test('the report is dated when it is made', () => {
  const before = Date.now();
  const generated = Date.parse(report().generatedAt);
  expect(generated).toBeGreaterThanOrEqual(before - 1000);
  expect(generated).toBeLessThanOrEqual(Date.now());
});

test('accuracy counts the rows whose predicted label is the --label', () => {
  const correct = current.filter((r) => r.churned === r['prediction.label']).length;
  expect(report('--label', 'churned').quality).toEqual({
    labelled: current.length,
    correct,
    accuracy: correct / current.length,
  });
});

test('--threshold and --min-samples change the decision as they would in DriftMonitor', () => {
  const strict = report('--threshold', 'psi=off', '--threshold', 'ks_p_value=1e-6');
  const byName = new Map(strict.features.map((f) => [f.name, f]));
  expect(byName.get('age')!.driftedBy).toEqual(['ks_p_value']);
  expect(strict.settings.thresholds).toEqual({ ks_p_value: 1e-6 });
  const waiting = report('--min-samples', String(current.length + 1));
  expect(waiting.features.every((f) => !f.ready && !f.drifted && Object.keys(f.scores).length === 0)).toBe(true);
});

test('a threshold that would flag every feature whatever the data is bad input, exit code 2', () => {
  const out = join(dir, 'negative.html');
  const result = runCli([
    'report',
    '--profile',
    join(dir, 'profile.json'),
    '--current',
    join(dir, 'current.csv'),
    '--out',
    out,
    '--threshold',
    'psi=-1',
  ]);
  expect([result.code, result.stderr.trim()]).toEqual([
    2,
    'modelsight report: DriftMonitor: option thresholds.psi must be greater than 0, got -1',
  ]);
});

test('the PSI threshold can come from MODELSIGHT_DRIFT_PSI_THRESHOLD, as for a service', () => {
  const out = join(dir, 'env.json');
  const env = { PATH: process.env.PATH ?? '', MODELSIGHT_DRIFT_PSI_THRESHOLD: '50' };
  expect(
    runCli(['report', '--profile', join(dir, 'profile.json'), '--current', join(dir, 'current.csv'), '--out', out], {
      env,
    }).code,
  ).toBe(0);
  const doc = JSON.parse(readFileSync(out, 'utf8')) as ReportDocument;
  expect([doc.drifted, doc.settings.thresholds]).toEqual([false, { psi: 50 }]);
});

test('an unusable MODELSIGHT_DRIFT_* variable is named in a warning and ignored, as the service ignores it', () => {
  const out = join(dir, 'bad-env.json');
  const env = {
    PATH: process.env.PATH ?? '',
    MODELSIGHT_DRIFT_PSI_THRESHOLD: 'high',
    MODELSIGHT_DRIFT_MIN_SAMPLES: '2.5',
  };
  const result = runCli(
    ['report', '--profile', join(dir, 'profile.json'), '--current', join(dir, 'current.csv'), '--out', out],
    { env },
  );
  expect(result.code).toBe(0);
  expect(result.stderr).toContain(
    'modelsight: warning: MODELSIGHT_DRIFT_MIN_SAMPLES="2.5" is not valid (expected a whole number from 1 to 10000000); using 100',
  );
  expect(result.stderr).toContain(
    'modelsight: warning: MODELSIGHT_DRIFT_PSI_THRESHOLD="high" is not valid (expected a number greater than 0); using 0.2',
  );
  const doc = JSON.parse(readFileSync(out, 'utf8')) as ReportDocument;
  expect(doc.settings).toMatchObject({ minSamples: 100, thresholds: { psi: 0.2 } });
});

test('a time-based window in the environment does not drop rows from the report', () => {
  const out = join(dir, 'timed.json');
  const env = { PATH: process.env.PATH ?? '', MODELSIGHT_DRIFT_WINDOW_SECONDS: '0.001' };
  expect(
    runCli(['report', '--profile', join(dir, 'profile.json'), '--current', join(dir, 'current.csv'), '--out', out], {
      env,
    }).code,
  ).toBe(0);
  const doc = JSON.parse(readFileSync(out, 'utf8')) as ReportDocument;
  expect(doc.features.every((f) => f.samples === current.length - f.missing)).toBe(true);
});

test('--fail-on-drift exits with 3 and still writes the report', () => {
  const out = join(dir, 'gate.html');
  const result = runCli([
    'report',
    '--profile',
    join(dir, 'profile.json'),
    '--current',
    join(dir, 'current.csv'),
    '--out',
    out,
    '--fail-on-drift',
  ]);
  expect(result.code).toBe(3);
  expect(result.stderr).toMatch(/gate\.html: \d of 7 features drifted \(/);
  expect(readFileSync(out, 'utf8')).toContain('<table class="summary"');
});

test('a feature absent from the current data is reported as absent, not as drift', () => {
  const partial = current.map(({ city: _, ...rest }: Row) => rest);
  const file = writeText(join(dir, 'partial.csv'), toCsv(partial));
  const out = join(dir, 'partial.json');
  const result = runCli(['report', '--profile', join(dir, 'profile.json'), '--current', file, '--out', out]);
  expect(result.code).toBe(0);
  expect(result.stderr).toContain('has no column for the feature "city"');
  const city = (JSON.parse(readFileSync(out, 'utf8')) as ReportDocument).features.find((f) => f.name === 'city')!;
  expect([city.present, city.drifted, city.samples]).toEqual([false, false, 0]);
});

test('the HTML report escapes names and refers to nothing outside itself', () => {
  const rows = reference.slice(0, 300).map((r, i) => ({ '<img src=x onerror=alert(1)>': i % 5, age: r.age }));
  writeText(join(dir, 'hostile.csv'), toCsv(rows));
  expect(runCli(['profile', 'build', join(dir, 'hostile.csv'), '--out', join(dir, 'hostile.json')]).code).toBe(0);
  const out = join(dir, 'hostile.html');
  expect(
    runCli(['report', '--profile', join(dir, 'hostile.json'), '--current', join(dir, 'hostile.csv'), '--out', out])
      .code,
  ).toBe(0);
  const html = readFileSync(out, 'utf8');
  expect(html).not.toContain('<img');
  expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
  expect(html).not.toMatch(/\b(src|href)="(?!#)/);
  expect(html).not.toMatch(/<script|@import|url\(/);
});
