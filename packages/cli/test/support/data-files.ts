import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { normalGenerator, uniformGenerator } from '../../../drift/test/support/seeded-random.cjs';

/** A row of generated data: numbers, categories, `null` for missing. */
export type Row = Record<string, number | string | boolean | null>;

/**
 * Rows of a small credit-like model's data: a rounded numeric feature (ties), a continuous one
 * with missing values, an integer count, two categorical features, and the model's outputs.
 * `shift` moves the inputs (0: the reference distribution).
 */
export function generateRows(count: number, seed: number, shift = 0): Row[] {
  const z = normalGenerator(seed);
  const u = uniformGenerator(seed + 1);
  const cities = ['Paris', 'Lyon', 'Nice', 'Lille', 'Brest'];
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const age = Math.round(40 + 12 * z() + shift * 10);
    const income = u() < 0.03 ? null : Math.round((52_000 + 16_000 * z()) * (1 + shift * 0.02) * 100) / 100;
    const accounts = Math.floor(u() * 6);
    const city = cities[Math.min(cities.length - 1, Math.floor(Math.pow(u(), 1 + shift) * cities.length))] as string;
    const plan = u() < 0.3 + shift * 0.1 ? 'pro' : 'basic';
    const odds = 1 / (1 + Math.exp(-(age - 45) / 8));
    const predicted = odds >= 0.5 ? 'yes' : 'no';
    const truth = u() < 0.88 ? predicted : predicted === 'yes' ? 'no' : 'yes';
    rows.push({
      age,
      income,
      accounts,
      city,
      plan,
      'prediction.label': predicted,
      'prediction.confidence': Math.round(Math.max(odds, 1 - odds) * 1e4) / 1e4,
      churned: truth,
    });
  }
  return rows;
}

/** The columns of the rows, in first-seen order. */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

const csvCell = (value: Row[string] | undefined, delimiter: string): string => {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return text.includes(delimiter) || text.includes('"') || text.includes('\n') ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The rows as CSV text (a missing value is an empty cell). */
export function toCsv(rows: readonly Row[], delimiter = ','): string {
  const columns = columnsOf(rows);
  const lines = [columns.map((c) => csvCell(c, delimiter)).join(delimiter)];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c], delimiter)).join(delimiter));
  return `${lines.join('\n')}\n`;
}

/** The rows as JSON Lines. */
export const toJsonLines = (rows: readonly Row[]): string => rows.map((row) => JSON.stringify(row)).join('\n') + '\n';

/** Writes `text` to `file`, gzipped when the name ends in `.gz`. */
export function writeText(file: string, text: string): string {
  writeFileSync(file, file.endsWith('.gz') ? gzipSync(text) : text);
  return file;
}
