import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { buildProfile, DriftMonitor, loadProfile, parseProfile, ProfileError, saveProfile } from '../src/index';

const profile = buildProfile(Array.from({ length: 200 }, (_, i) => ({ x: i / 10, c: ['a', 'b', 'c'][i % 3] })));
const clone = (): Record<string, any> => JSON.parse(JSON.stringify(profile));
const dir = mkdtempSync(join(tmpdir(), 'drift-profile-'));

it('saves a profile as JSON and loads it back equal', () => {
  const file = join(dir, 'profile.json');
  saveProfile(file, profile);
  expect(loadProfile(file)).toEqual(profile);
});

it('rejects a profile of an unknown version, saying which version it reads', () => {
  const bad = { ...clone(), formatVersion: 2 };
  expect(() => parseProfile(bad)).toThrow(ProfileError);
  expect(() => parseProfile(bad)).toThrow(/at formatVersion: unknown version 2; .* reads version 1/);
});

it('rejects a document that is not a profile', () => {
  expect(() => parseProfile({ hello: 1 })).toThrow(/at format: expected "modelsight.drift.profile", got nothing/);
});

it('names the file and the place of a bad edge', () => {
  const bad = clone();
  bad.features[0].edges[3] = bad.features[0].edges[2];
  const file = join(dir, 'bad-edges.json');
  writeFileSync(file, JSON.stringify(bad));
  expect(() => loadProfile(file)).toThrow(
    `invalid drift profile ${file} at features[0] ("x").edges[3]: expected a number greater than ${bad.features[0].edges[2]}`,
  );
});

it('says when the proportions do not match the bins', () => {
  const bad = clone();
  bad.features[1].proportions.pop();
  expect(() => parseProfile(bad)).toThrow(
    /features\[1\] \("c"\)\.proportions: expected 4 proportions \(one per bin\), got 3/,
  );
});

it('says when proportions do not sum to 1', () => {
  const bad = clone();
  bad.features[0].proportions[1] = 0.9;
  expect(() => parseProfile(bad)).toThrow(/features\[0\] \("x"\)\.proportions: proportions must sum to 1/);
});

it('says when a field has the wrong type', () => {
  const bad = clone();
  bad.features[0].mean = 'high';
  expect(() => parseProfile(bad)).toThrow(/features\[0\] \("x"\)\.mean: expected a finite number, got "high"/);
});

it('says when a feature type is unknown', () => {
  const bad = clone();
  bad.features[1].type = 'text';
  expect(() => parseProfile(bad)).toThrow(
    /features\[1\] \("c"\)\.type: expected "numeric" or "categorical", got "text"/,
  );
});

it('reports JSON syntax errors and unreadable files with the file name', () => {
  const file = join(dir, 'broken.json');
  writeFileSync(file, '{"format": ');
  expect(() => loadProfile(file)).toThrow(
    new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} at \\(root\\): not valid JSON`),
  );
  expect(() => loadProfile(join(dir, 'absent.json'))).toThrow(/cannot read the file/);
});

it('rejects a categorical feature with more categories than the monitor can hold', () => {
  const bad = clone();
  const c = bad.features[1];
  c.categories = Array.from({ length: 1001 }, (_, i) => `k${i}`);
  c.proportions = [...c.categories.map(() => 0), 1];
  expect(() => parseProfile(bad)).toThrow(
    'at features[1] ("c").categories: expected at most 1000 categories, got 1001',
  );
});

it('loads a profile saved by an earlier version, with edges at the quantiles, and keeps its bins', () => {
  const file = join(__dirname, 'fixtures', 'profile-v1-iris.json');
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  const loaded = loadProfile(file);
  expect(loaded.formatVersion).toBe(1);
  expect(loaded.features.map((f) => f.type === 'numeric' && f.edges)).toEqual(
    saved.features.map((f: any) => f.type === 'numeric' && f.edges),
  );
  const monitor = new DriftMonitor({ model: { name: 'iris', version: '1' }, profile: loaded });
  const petal = monitor.report().features.find((f) => f.name === 'petal_width')!;
  expect(petal.bins[2]!.description).toBe('[0.2, 0.4)');
  monitor.close();
});
