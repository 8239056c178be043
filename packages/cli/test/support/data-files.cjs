'use strict';
// Plain CommonJS, typed by data-files.d.cts, so that the tests of this package and the integration
// tests under test/ (another TypeScript root) write the same generated data files.
const { writeFileSync } = require('node:fs');
const { gzipSync } = require('node:zlib');
const { normalGenerator, uniformGenerator } = require('@modelsight/test-support');

/**
 * Rows of a small churn model's data: a rounded numeric feature (many ties), a continuous one with
 * missing values, an integer count, two categorical features, the model's outputs and the true
 * label. `shift` moves the inputs (0: the reference distribution).
 */
function generateRows(count, seed, shift = 0) {
  const z = normalGenerator(seed);
  const u = uniformGenerator(seed + 1);
  const cities = ['Paris', 'Lyon', 'Nice', 'Lille', 'Brest'];
  const rows = [];
  for (let i = 0; i < count; i++) {
    const age = Math.round(40 + 12 * z() + shift * 10);
    const income = u() < 0.03 ? null : Math.round((52_000 + 16_000 * z()) * (1 + shift * 0.02) * 100) / 100;
    const accounts = Math.floor(u() * 6);
    const city = cities[Math.min(cities.length - 1, Math.floor(u() ** (1 + shift) * cities.length))];
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
function columnsOf(rows) {
  const seen = new Set();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

function csvCell(value, delimiter) {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return text.includes(delimiter) || text.includes('"') || text.includes('\n') ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows as CSV text (a missing value is an empty cell). */
function toCsv(rows, delimiter = ',') {
  const columns = columnsOf(rows);
  const lines = [columns.map((c) => csvCell(c, delimiter)).join(delimiter)];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c], delimiter)).join(delimiter));
  return `${lines.join('\n')}\n`;
}

/** The rows as JSON Lines. */
const toJsonLines = (rows) => `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`;

/** Writes `text` to `file`, gzipped when the name ends in `.gz`; returns the file. */
function writeText(file, text) {
  writeFileSync(file, file.endsWith('.gz') ? gzipSync(text) : text);
  return file;
}

module.exports = { generateRows, columnsOf, toCsv, toJsonLines, writeText };
