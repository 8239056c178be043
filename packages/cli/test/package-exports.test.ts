import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { generateRows, toCsv, writeText } from './support/data-files.cjs';
import { tempDir } from './support/run-cli';

// The built package as a user gets it, with `require` and with `import`.
const packageDir = join(__dirname, '..');
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const train = writeText(join(dir, 'train.csv'), toCsv(generateRows(600, 31)));
const current = writeText(join(dir, 'current.csv'), toCsv(generateRows(300, 32, 1)));
const script = (load: string) => `${load}
(async () => {
  const profile = await buildProfileFromFile(${JSON.stringify(train)}, { label: 'churned' });
  const doc = await buildReportFromFile(profile, ${JSON.stringify(current)}, { label: 'churned' });
  const html = renderReportHtml(doc);
  console.log(JSON.stringify({ features: profile.features.length, format: doc.format, drifted: doc.drifted, html: html.startsWith('<!doctype html>') }));
})();`;
const run = (args: string[]) =>
  JSON.parse(execFileSync(process.execPath, args, { cwd: packageDir, encoding: 'utf8' })) as unknown;
const expected = { features: 7, format: 'modelsight.report', drifted: true, html: true };

test('require() of the built package builds a profile and a report', () => {
  expect(
    run([
      '-e',
      script(`const { buildProfileFromFile, buildReportFromFile, renderReportHtml } = require('@modelsight/cli');`),
    ]),
  ).toEqual(expected);
});

test('import of the built package builds a profile and a report', () => {
  expect(
    run([
      '--input-type=module',
      '-e',
      script(`import { buildProfileFromFile, buildReportFromFile, renderReportHtml } from '@modelsight/cli';`),
    ]),
  ).toEqual(expected);
});
