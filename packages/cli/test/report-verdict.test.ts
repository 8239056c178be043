import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ReportDocument } from '../src/report/report-types';
import { generateRows, toCsv, writeText, type Row } from './support/data-files.cjs';
import { runCli, tempDir } from './support/run-cli';

// The verdict of `modelsight report` and its exit code under --fail-on-drift: drift, too little data to
// judge, and data quality (a feature's missing share rising above the reference's).
let dir: string;
const withIncomeMissing = (rows: Row[], every: number): Row[] =>
  rows.map((row, i) => (i % every === 0 ? { ...row, income: null } : row));

beforeAll(() => {
  dir = tempDir();
  writeText(join(dir, 'train.csv'), toCsv(generateRows(4000, 21)));
  writeText(join(dir, 'few.csv'), toCsv(generateRows(49, 22)));
  writeText(join(dir, 'stable.csv'), toCsv(generateRows(3000, 22)));
  // About 3% of incomes are missing in both; these add 20 points, or 1.
  writeText(join(dir, 'missing-incomes.csv'), toCsv(withIncomeMissing(generateRows(3000, 22), 5)));
  writeText(join(dir, 'few-more-missing.csv'), toCsv(withIncomeMissing(generateRows(3000, 22), 100)));
  expect(
    runCli(['profile', 'build', join(dir, 'train.csv'), '--label', 'churned', '--out', join(dir, 'profile.json')]).code,
  ).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function report(current: string, out: string, ...options: string[]) {
  return runCli([
    'report',
    '--profile',
    join(dir, 'profile.json'),
    '--current',
    join(dir, current),
    '--out',
    join(dir, out),
    ...options,
  ]);
}
const readReport = (out: string) => JSON.parse(readFileSync(join(dir, out), 'utf8')) as ReportDocument;

test('49 rows, every feature under the minimum sample: "too little data", and exit code 4 under --fail-on-drift', () => {
  const result = report('few.csv', 'few.html', '--fail-on-drift');
  expect(result.code).toBe(4);
  expect(result.stderr).not.toContain('no drift');
  expect(result.stderr).toMatch(/few\.html: too little data: none of 7 features scored \(.*; scores need 100 values\)/);
  const page = readFileSync(join(dir, 'few.html'), 'utf8');
  expect(page).toContain('data-outcome="insufficient_data"');
  expect(page).toContain('Too little data: 0 of 7 features scored');
  // Without --fail-on-drift the report is written and the command succeeds.
  expect(report('few.csv', 'few.json').code).toBe(0);
});

test('enough rows from the reference distribution: "no drift", exit code 0 under --fail-on-drift', () => {
  const result = report('stable.csv', 'stable.json', '--fail-on-drift');
  expect(result.stderr).toContain('stable.json: no drift among 7 features');
  expect(result.code).toBe(0);
  const doc = readReport('stable.json');
  expect(doc.dataQualityDegraded).toBe(false);
  expect(doc.settings.maxMissingIncrease).toBe(0.02);
});

test('a missing share 20 points above the reference marks the feature, in the verdict, the page and the exit code', () => {
  const result = report('missing-incomes.csv', 'missing.json', '--fail-on-drift');
  expect(result.stderr).toContain(
    'missing.json: 1 of 7 features with more missing or invalid values than the reference (income; more than 2 points above it)',
  );
  expect(result.code).toBe(3);
  const doc = readReport('missing.json');
  const income = doc.features.find((f) => f.name === 'income')!;
  expect(income.drifted).toBe(false);
  expect(income.dataQuality).toMatchObject({ degraded: true, degradedBy: ['missing'] });
  expect(income.dataQuality!.missingShare - income.dataQuality!.referenceMissingShare).toBeGreaterThan(0.15);
  expect(doc.features.filter((f) => f.dataQuality?.degraded)).toHaveLength(1);
  expect(doc.dataQualityDegraded).toBe(true);

  expect(report('missing-incomes.csv', 'missing.html').code).toBe(0);
  const page = readFileSync(join(dir, 'missing.html'), 'utf8');
  expect(page).toMatch(
    /<div class="verdict drift" id="verdict" data-outcome="drift">1 of 7 with more missing or invalid values than the reference: <span class="names">income<\/span>/,
  );
  expect(page).toMatch(/data-quality="degraded" title="missing 2\d\.\d% \(reference \d\.\d%\)"/);
  expect(page).toMatch(
    /Data quality: missing 2\d\.\d% \(reference \d\.\d%\), more than 2 points above the reference\./,
  );
});

test('a rise within the limit is not marked; --max-missing-increase and its variable move the limit', () => {
  expect(report('few-more-missing.csv', 'within.json', '--fail-on-drift').code).toBe(0);
  expect(readReport('within.json').features.find((f) => f.name === 'income')!.dataQuality?.degraded).toBe(false);

  const loose = report('missing-incomes.csv', 'loose.json', '--fail-on-drift', '--max-missing-increase', '0.3');
  expect(loose.stderr).toContain('no drift among 7 features');
  expect(loose.code).toBe(0);
  const strict = report('few-more-missing.csv', 'strict.json', '--fail-on-drift', '--max-missing-increase', '0.001');
  expect(strict.code).toBe(3);

  const env = { PATH: process.env.PATH ?? '', MODELSIGHT_MAX_MISSING_INCREASE: '0.3' };
  const fromEnv = runCli(
    [
      'report',
      '--profile',
      join(dir, 'profile.json'),
      '--current',
      join(dir, 'missing-incomes.csv'),
      '--out',
      join(dir, 'env.json'),
      '--fail-on-drift',
    ],
    { env },
  );
  expect(fromEnv.code).toBe(0);
  expect(readReport('env.json').settings.maxMissingIncrease).toBe(0.3);
});

test('a bad limit: the option is refused (exit 2), the variable is named in a warning and the default kept', () => {
  const bad = report('stable.csv', 'bad.json', '--max-missing-increase', '2 points');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--max-missing-increase must be a share from 0 to 1 (0.02 is 2 points), got "2 points"');
  const env = { PATH: process.env.PATH ?? '', MODELSIGHT_MAX_MISSING_INCREASE: 'lots' };
  const result = runCli(
    [
      'report',
      '--profile',
      join(dir, 'profile.json'),
      '--current',
      join(dir, 'missing-incomes.csv'),
      '--out',
      join(dir, 'bad-env.json'),
      '--fail-on-drift',
    ],
    { env },
  );
  expect(result.stderr).toContain(
    'modelsight: warning: MODELSIGHT_MAX_MISSING_INCREASE="lots" is not valid (expected a share from 0 to 1, such as 0.02 for 2 points); using 0.02',
  );
  expect(result.code).toBe(3);
});
