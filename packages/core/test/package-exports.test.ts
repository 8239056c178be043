import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

// These run the built package as a user would get it, with `require` and with `import`.
const packageDir = join(__dirname, '..');
const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: packageDir, encoding: 'utf8' });
const built = existsSync(join(packageDir, 'dist', 'index.cjs')) && existsSync(join(packageDir, 'dist', 'index.mjs'));

test('the package is built before its exports are tested', () => {
  expect(built).toBe(true);
});

test('require() of the built package gives traced and a working wrapper', () => {
  const out = run([
    '-e',
    `const { traced } = require('@modelsight/core'); const p = traced((x) => ({ label: 'a', x }), { model: { name: 'm', version: '1' } }); console.log(JSON.stringify(p(2)))`,
  ]);
  expect(JSON.parse(out)).toEqual({ label: 'a', x: 2 });
});

test('import of the built package gives traced and a working wrapper', () => {
  const out = run([
    '--input-type=module',
    '-e',
    `import { traced } from '@modelsight/core'; const p = traced(async (x) => ({ label: 'b', x }), { model: { name: 'm', version: '1' } }); console.log(JSON.stringify(await p(3)))`,
  ]);
  expect(JSON.parse(out)).toEqual({ label: 'b', x: 3 });
});

test('the CommonJS and ESM builds loaded in one process share one set of prediction totals', () => {
  const out = run([
    '--input-type=module',
    '-e',
    `import { createRequire } from 'node:module';
     import { traced, getPredictionMetricsRegistry } from '@modelsight/core';
     const cjs = createRequire(process.cwd() + '/')('@modelsight/core');
     const model = { name: 'shared', version: '1' };
     traced(() => 1, { model })();
     cjs.traced(() => 1, { model })();
     console.log(getPredictionMetricsRegistry().forModel(model).ok, cjs.getPredictionMetricsRegistry() === getPredictionMetricsRegistry());`,
  ]);
  expect(out.trim()).toBe('2 true');
});

test('require() and import of the built package both give the series limit and its overflow attribute', () => {
  const script = (load: string) =>
    `${load} const r = new PredictionMetricsRegistry({ cardinalityLimit: 3, durationBuckets: [0.001] }); console.log(JSON.stringify([DEFAULT_CARDINALITY_LIMIT, ATTR_OTEL_METRIC_OVERFLOW, r.settings]))`;
  const expected = [2000, 'otel.metric.overflow', { durationBuckets: [0.001], cardinalityLimit: 3 }];
  const names = '{ PredictionMetricsRegistry, DEFAULT_CARDINALITY_LIMIT, ATTR_OTEL_METRIC_OVERFLOW }';
  expect(JSON.parse(run(['-e', script(`const ${names} = require('@modelsight/core');`)]))).toEqual(expected);
  expect(JSON.parse(run(['--input-type=module', '-e', script(`import ${names} from '@modelsight/core';`)]))).toEqual(
    expected,
  );
});

test('a flush registered through the CommonJS build is run by flushPendingWrites of the ESM build', () => {
  const out = run([
    '--input-type=module',
    '-e',
    `import { createRequire } from 'node:module';
     import { flushPendingWrites } from '@modelsight/core';
     const cjs = createRequire(process.cwd() + '/')('@modelsight/core');
     let written = 0;
     cjs.registerPendingWrites('queue', async () => { written++; });
     console.log(await flushPendingWrites({ timeoutMs: 1000 }), written);`,
  ]);
  expect(out.trim()).toBe('true 1');
});

test('require() and import of the built package both give modelVersions, routing and rolling back by hand', () => {
  const script = (load: string) =>
    `${load} const p = modelVersions({ name: 'm', primary: { version: '1', predict: (x) => ({ label: 'a', x }) }, canaries: [{ version: '2', predict: (x) => ({ label: 'b', x }), share: 0.5 }], stickyKey: (x) => String(x) });
     p.rollback('2'); console.log(JSON.stringify([p(1), p.state().versions.map((v) => [v.version, v.share]), METRIC_ML_VERSION_SHARE, METRIC_ML_ROLLBACKS, METRIC_ML_SHADOW_COMPARISONS]))`;
  const expected = [
    { label: 'a', x: 1 },
    [
      ['1', 1],
      ['2', 0],
    ],
    'ml_version_share',
    'ml_rollbacks',
    'ml_shadow_comparisons',
  ];
  const names = '{ modelVersions, METRIC_ML_VERSION_SHARE, METRIC_ML_ROLLBACKS, METRIC_ML_SHADOW_COMPARISONS }';
  expect(JSON.parse(run(['-e', script(`const ${names} = require('@modelsight/core');`)]))).toEqual(expected);
  expect(JSON.parse(run(['--input-type=module', '-e', script(`import ${names} from '@modelsight/core';`)]))).toEqual(
    expected,
  );
});
