import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateRows, toCsv, writeText } from '../packages/cli/test/support/data-files.cjs';
import { openInChromium, type OpenedPage } from './support/chromium';
import { modelsight } from './support/modelsight-cli';

// The HTML report of `modelsight report --current`, opened in Debian's headless Chromium as a reader would.
interface ReportJson {
  features: { name: string; drifted: boolean }[];
}

let dir: string;
let html: string;
let report: ReportJson;
let opened: OpenedPage;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modelsight-report-browser-'));
  writeText(join(dir, 'train.csv'), toCsv(generateRows(5000, 41)));
  writeText(join(dir, 'current.csv'), toCsv(generateRows(2000, 42, 1)));
  modelsight(['profile', 'build', 'train.csv', '--label', 'churned', '--out', 'profile.json'], dir);
  const args = [
    'report',
    '--profile',
    'profile.json',
    '--current',
    'current.csv',
    '--label',
    'churned',
    '--title',
    'Churn model: this week against training',
  ];
  modelsight([...args, '--out', 'report.html'], dir);
  modelsight([...args, '--out', 'report.json'], dir);
  html = join(dir, 'report.html');
  report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReportJson;
  opened = await openInChromium(html);
});

afterAll(async () => {
  await opened?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('shows the summary table first, one row per feature, drifted features on top', async () => {
  const { page } = opened;
  expect(await page.locator('h2').first().textContent()).toBe('Summary');
  const rows = page.locator('#summary-table tbody tr');
  expect(await rows.count()).toBe(report.features.length);
  const order = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-feature')));
  expect(order).toEqual(report.features.map((f) => f.name));
  const drifted = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-drifted') === 'true'));
  expect(drifted).toEqual([...drifted].sort((a, b) => Number(b) - Number(a)));
});

it('draws one chart per feature, with bars for the reference and the current data', async () => {
  const { page } = opened;
  const charts = await page.locator('article.feature').evaluateAll((cards) =>
    cards.map((card) => ({
      name: card.getAttribute('data-feature'),
      charts: card.querySelectorAll('svg.chart').length,
      reference: [...card.querySelectorAll('rect.reference')].filter((r) => Number(r.getAttribute('height')) > 0)
        .length,
      current: [...card.querySelectorAll('rect.current')].filter((r) => Number(r.getAttribute('height')) > 0).length,
    })),
  );
  expect(charts.map((c) => c.name).sort()).toEqual(report.features.map((f) => f.name).sort());
  for (const chart of charts) {
    expect(chart.charts).toBe(1);
    expect(chart.reference).toBeGreaterThan(1);
    expect(chart.current).toBeGreaterThan(1);
  }
  // Each chart is drawn at a readable size.
  const sizes = await page
    .locator('svg.chart')
    .evaluateAll((svgs) => svgs.map((svg) => svg.getBoundingClientRect().width));
  for (const width of sizes) expect(width).toBeGreaterThan(500);
});

it('marks the drifted features in the summary, in their cards and in the verdict', async () => {
  const { page } = opened;
  const expected = report.features.filter((f) => f.drifted).map((f) => f.name);
  expect(expected).toEqual(expect.arrayContaining(['age', 'city']));
  const markedRows = await page
    .locator('#summary-table tr.drifted')
    .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-feature')));
  const markedCards = await page
    .locator('article.feature.drifted')
    .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-feature')));
  expect(markedRows).toEqual(expected);
  expect(markedCards.sort()).toEqual([...expected].sort());
  const badge = page.locator('article.feature.drifted .badge.drift').first();
  expect(await badge.textContent()).toBe('drift');
  expect(await badge.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor)).toBe(
    'rgb(200, 30, 30)',
  );
  expect(await page.locator('#verdict').textContent()).toContain(
    `${expected.length} of ${report.features.length} features drifted`,
  );
});

it('shows the accuracy against the labels', async () => {
  expect(await opened.page.locator('#quality .figure .label').first().textContent()).toMatch(
    /^accuracy: [\d,]+ of 2,000 labelled rows$/,
  );
});

it('logs no error and requests nothing but the file itself', () => {
  expect(opened.problems).toEqual([]);
  expect(opened.requests).toEqual([pathToFileURL(html).href]);
});

it('writes a screenshot of the whole report', async () => {
  const path = await opened.screenshot('report-current-data.png');
  expect(readFileSync(path).subarray(1, 4).toString()).toBe('PNG');
  expect(statSync(path).size).toBeGreaterThan(50_000);
});
