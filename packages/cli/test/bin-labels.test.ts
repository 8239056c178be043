import { buildProfile, type NumericFeatureProfile } from '@modelsight/drift';
import { expect, test } from 'vitest';
import { binLabels } from '../src/report/bin-labels';

const numeric = (values: number[], bins = 10) =>
  buildProfile(values.map((x) => ({ x })), { bins }).features[0] as NumericFeatureProfile;

test('numeric bins read as ranges, the last one as above the maximum', () => {
  const feature = numeric(Array.from({ length: 100 }, (_, i) => i / 10), 4);
  expect(binLabels(feature)).toEqual(['< 0', '0 – 2.48', '2.48 – 4.95', '4.95 – 7.43', '7.43 – 9.9', '> 9.9']);
});

test('integer features with ties keep short labels', () => {
  const feature = numeric(Array.from({ length: 600 }, (_, i) => i % 6));
  const labels = binLabels(feature);
  expect(labels[0]).toBe('< 0');
  expect(labels[labels.length - 1]).toBe('> 5');
  for (const label of labels) expect(label.length).toBeLessThanOrEqual(7);
});

test('close edges get the digits that tell them apart', () => {
  const feature = numeric([1.0001, 1.0002, 1.0003, 1.0004, 2], 4);
  expect(new Set(binLabels(feature)).size).toBe(binLabels(feature).length);
});

test('categorical bins are the categories, then other', () => {
  const feature = buildProfile([{ c: 'a' }, { c: 'b' }, { c: 'a' }]).features[0]!;
  expect(binLabels(feature)).toEqual(['a', 'b', 'other']);
});
