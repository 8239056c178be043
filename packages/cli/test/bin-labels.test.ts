import { buildProfile, type NumericFeatureProfile } from '@modelsight/drift';
import { expect, test } from 'vitest';
import { binLabels } from '../src/report/bin-labels';

const numeric = (values: number[], bins = 10) =>
  buildProfile(
    values.map((x) => ({ x })),
    { bins },
  ).features[0] as NumericFeatureProfile;

test('numeric bins read as ranges between edges halfway between reference values', () => {
  const feature = numeric(
    Array.from({ length: 100 }, (_, i) => i / 10),
    4,
  );
  expect(binLabels(feature)).toEqual([
    '< -0.05',
    '-0.05 – 2.45',
    '2.45 – 4.95',
    '4.95 – 7.45',
    '7.45 – 9.95',
    '≥ 9.95',
  ]);
});

test("a constant feature's last bin reads as above its value", () => {
  const feature = numeric(Array.from({ length: 10 }, () => 3));
  expect(binLabels(feature)).toEqual(['< 3', '3', '> 3']);
});

test('integer features are named by the integers their bins hold', () => {
  expect(binLabels(numeric(Array.from({ length: 600 }, (_, i) => i % 6)))).toEqual([
    '< 0',
    '0',
    '1',
    '2',
    '3',
    '4',
    '5',
    '> 5',
  ]);
  expect(
    binLabels(
      numeric(
        Array.from({ length: 100 }, (_, i) => i % 50),
        4,
      ),
    ),
  ).toEqual(['< 0', '0 – 11', '12 – 24', '25 – 36', '37 – 49', '> 49']);
});

test('close edges get the digits that tell them apart', () => {
  const feature = numeric([1.0001, 1.0002, 1.0003, 1.0004, 2], 4);
  expect(new Set(binLabels(feature)).size).toBe(binLabels(feature).length);
});

test('categorical bins are the categories, then other', () => {
  const feature = buildProfile([{ c: 'a' }, { c: 'b' }, { c: 'a' }]).features[0]!;
  expect(binLabels(feature)).toEqual(['a', 'b', 'other']);
});
