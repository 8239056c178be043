import { compactNumber } from '../report/bin-labels';

const COUNT = new Intl.NumberFormat('en-US');

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A count with thousands separators: `12,345`. */
export const formatCount = (n: number): string => COUNT.format(n);

/** A share as a percentage: `12.3%`. */
export const formatShare = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** A score for tables: three decimals, small values (p-values) in exponent form, `–` when there is none. */
export function formatScore(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '–';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs < 0.001) return x.toExponential(1);
  if (abs >= 1000) return formatCount(Math.round(x));
  return x.toFixed(3);
}

/** A reference statistic: four significant digits. */
export function formatStatistic(x: number | undefined): string {
  return x === undefined || Number.isNaN(x) ? '–' : compactNumber(x, 4);
}
