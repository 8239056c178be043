import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binCounts, chiSquareTest, jensenShannon, ksTest, psi, wasserstein, wassersteinDistance } from '../src/index';

interface NumericCase {
  name: string;
  kind: 'numeric';
  reference: number[];
  current: number[];
  edges: number[];
  reference_counts: number[];
  current_counts: number[];
  expected: {
    ks_statistic: number;
    ks_p_value: number;
    wasserstein: number;
    wasserstein_normed: number;
    psi: number;
    jensen_shannon: number;
  };
}
interface CategoricalCase {
  name: string;
  kind: 'categorical';
  categories: string[];
  reference_counts: number[];
  current_counts: number[];
  expected: { psi: number; jensen_shannon: number; chi2_statistic: number; chi2_p_value: number };
}

const vectors = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'drift-vectors.json'), 'utf8')) as {
  cases: (NumericCase | CategoricalCase)[];
};
const numeric = vectors.cases.filter((c): c is NumericCase => c.kind === 'numeric');
const categorical = vectors.cases.filter((c): c is CategoricalCase => c.kind === 'categorical');

const STATISTIC_RELATIVE = 1e-9;
const P_VALUE_ABSOLUTE = 1e-6;

function expectRelative(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(STATISTIC_RELATIVE * Math.abs(expected));
}

describe.each(numeric)('numeric vector $name', (c) => {
  it('bins the values as numpy searchsorted side=right', () => {
    expect(binCounts(c.reference, c.edges)).toEqual(c.reference_counts);
    expect(binCounts(c.current, c.edges)).toEqual(c.current_counts);
  });

  it('psi matches within 1e-9 relative', () => {
    expectRelative(psi(c.reference_counts, c.current_counts), c.expected.psi);
  });

  it('ks statistic matches within 1e-9 relative and its p-value within 1e-6', () => {
    const result = ksTest(c.reference, c.current);
    expectRelative(result.statistic, c.expected.ks_statistic);
    expect(Math.abs(result.pValue - c.expected.ks_p_value)).toBeLessThanOrEqual(P_VALUE_ABSOLUTE);
  });

  it('wasserstein distance and its normed form match within 1e-9 relative', () => {
    expectRelative(wassersteinDistance(c.reference, c.current), c.expected.wasserstein);
    expectRelative(wasserstein(c.reference, c.current), c.expected.wasserstein_normed);
  });

  it('jensen-shannon distance matches within 1e-9 relative', () => {
    expectRelative(jensenShannon(c.reference_counts, c.current_counts), c.expected.jensen_shannon);
  });
});

describe.each(categorical)('categorical vector $name', (c) => {
  it('psi matches within 1e-9 relative', () => {
    expectRelative(psi(c.reference_counts, c.current_counts), c.expected.psi);
  });

  it('jensen-shannon distance matches within 1e-9 relative', () => {
    expectRelative(jensenShannon(c.reference_counts, c.current_counts), c.expected.jensen_shannon);
  });

  it('chi-square statistic matches within 1e-9 relative and its p-value within 1e-6', () => {
    const result = chiSquareTest(c.reference_counts, c.current_counts);
    expectRelative(result.statistic, c.expected.chi2_statistic);
    expect(Math.abs(result.pValue - c.expected.chi2_p_value)).toBeLessThanOrEqual(P_VALUE_ABSOLUTE);
  });
});

describe.each([
  ['psi', psi],
  ['jensenShannon', jensenShannon],
  ['chiSquareTest', chiSquareTest],
] as const)('%s on bins that cannot be compared', (name, statistic) => {
  it('throws when the bins do not line up', () => {
    expect(() => statistic([1, 2], [1, 2, 3])).toThrow('same, non-zero number of bins (got 2 and 3)');
  });

  it('throws naming the side and the bin of a negative or non-finite value', () => {
    expect(() => statistic([1, -1], [1, 1])).toThrow('reference[1] must be a finite number >= 0, got -1');
    expect(() => statistic([1, 1], [Number.NaN, 1])).toThrow('current[0] must be a finite number >= 0, got NaN');
  });

  it('throws when a side holds no value', () => {
    expect(() => statistic([0, 0], [1, 1])).toThrow(`${name} needs at least one value on each side`);
  });
});

it('ksTest and wasserstein throw naming the side of an empty or non-finite sample', () => {
  expect(() => ksTest([], [1])).toThrow('reference must not be empty');
  expect(() => wasserstein([1, 2], [1, Number.POSITIVE_INFINITY])).toThrow(
    'current[1] must be a finite number, got Infinity',
  );
});
