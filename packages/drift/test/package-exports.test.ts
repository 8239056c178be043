import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

// These run the built package as a user gets it, with `require` and with `import`.
const packageDir = join(__dirname, '..');
const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: packageDir, encoding: 'utf8' });
const script = (load: string) => `${load}
const rows = Array.from({ length: 300 }, (_, i) => ({ x: i % 30, c: i % 2 ? 'a' : 'b' }));
const monitor = new DriftMonitor({ model: { name: 'm', version: '1' }, profile: buildProfile(rows) });
for (let i = 0; i < 200; i++) monitor.observe({ x: 100 + i, c: 'a' });
console.log(JSON.stringify({ drifted: monitor.report().drifted, psi: psi([1, 1], [1, 1]), version: PROFILE_FORMAT_VERSION }));`;
const expected = { drifted: true, psi: 0, version: 1 };

test('the package is built before its exports are tested', () => {
  expect(existsSync(join(packageDir, 'dist', 'index.cjs')) && existsSync(join(packageDir, 'dist', 'index.mjs'))).toBe(
    true,
  );
});

test('require() of the built package gives a working monitor', () => {
  const out = run([
    '-e',
    script(`const { buildProfile, DriftMonitor, psi, PROFILE_FORMAT_VERSION } = require('@modelsight/drift');`),
  ]);
  expect(JSON.parse(out)).toEqual(expected);
});

test('import of the built package gives a working monitor', () => {
  const out = run([
    '--input-type=module',
    '-e',
    script(`import { buildProfile, DriftMonitor, psi, PROFILE_FORMAT_VERSION } from '@modelsight/drift';`),
  ]);
  expect(JSON.parse(out)).toEqual(expected);
});

test('the fleet PSI rules file is reachable through the package exports', () => {
  const out = run(['-e', `console.log(require.resolve('@modelsight/drift/prometheus/fleet-psi.rules.yml'))`]);
  expect(out.trim()).toBe(join(packageDir, 'prometheus', 'fleet-psi.rules.yml'));
});
