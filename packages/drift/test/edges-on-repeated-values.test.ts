import { diag, DiagLogLevel } from '@opentelemetry/api';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildProfile, DriftMonitor, parseProfile } from '../src/index';

const model = { name: 'iris', version: '1.0.0' };
const saved = parseProfile(readFileSync(join(__dirname, 'fixtures', 'profile-v1-iris.json'), 'utf8'));
const warnings: string[] = [];

beforeEach(() => {
  warnings.length = 0;
  diag.setLogger(
    { error: () => {}, warn: (m: string) => warnings.push(m), info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.WARN,
  );
});
afterEach(() => diag.disable());

it('warns once, naming the features, when a profile has bin edges on repeated reference values', () => {
  new DriftMonitor({ model, profile: saved }).close();
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain('"petal_width" (edge 0.1)');
  expect(warnings[0]).toContain('rebuild the profile');
});

it('does not warn about a profile built from the same rounded data by this version', () => {
  const sepal = saved.features.find((f) => f.name === 'sepal_length');
  const rows = sepal?.type === 'numeric' ? sepal.sample.map((v) => ({ v })) : [];
  expect(rows).toHaveLength(150);
  new DriftMonitor({ model, profile: buildProfile(rows) }).close();
  expect(warnings).toEqual([]);
});
