// Speed and memory of `modelsight profile build` and `modelsight report` on 1 million rows of 10
// features (8 numeric, 2 categorical) in CSV and JSON Lines, against a baseline measured in the same
// run: Papa Parse alone reading the same CSV file (the floor of a streaming CSV profiler built on it).
// Run: npm run build -w @modelsight/cli && npm run bench -w @modelsight/cli [-- ROWS]
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import * as seeded from '@modelsight/test-support';

const { normalGenerator, uniformGenerator } = seeded;

const ROWS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = 3;
const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '..', 'dist', 'cli.cjs');
const PEAK = join(here, 'peak-memory.cjs');
const dir = mkdtempSync(join(tmpdir(), 'modelsight-bench-'));

// Deterministic data (mulberry32 uniforms, Box-Muller normals), numbers as a CSV export writes them.
const uniform = uniformGenerator(2024);
const normal = normalGenerator(2025);
const CITIES = ['Paris', 'Lyon', 'Nice', 'Lille', 'Brest', 'Metz', 'Pau', 'Caen'];
const COLUMNS = ['age', 'income', 'balance', 'tenure', 'score', 'visits', 'spend', 'ratio', 'city', 'plan'];

function row(shift) {
  return [
    Math.round(40 + 12 * normal() + shift * 5),
    Math.round((52_000 + 16_000 * normal()) * 100) / 100,
    (1000 * normal() + shift * 300).toFixed(2),
    Math.floor(uniform() * 120),
    (normal() + shift).toFixed(6),
    Math.floor(uniform() * 30),
    (100 * Math.exp(normal())).toFixed(2),
    uniform().toFixed(4),
    CITIES[Math.floor(uniform() ** (1 + shift) * CITIES.length)],
    uniform() < 0.3 ? 'pro' : 'basic',
  ];
}

async function writeData(file, rows, shift, jsonLines) {
  const out = createWriteStream(file);
  let chunk = jsonLines ? '' : `${COLUMNS.join(',')}\n`;
  for (let i = 0; i < rows; i++) {
    const values = row(shift);
    chunk += jsonLines
      ? `${JSON.stringify(Object.fromEntries(COLUMNS.map((c, j) => [c, j < 8 ? Number(values[j]) : values[j]])))}\n`
      : `${values.join(',')}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise((resolve) => out.once('finish', resolve));
}

function parseAlone(file) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let records = 0;
    const stream = createReadStream(file, { highWaterMark: 1 << 20 }).setEncoding('utf8');
    Papa.parse(stream, {
      delimiter: ',',
      step: () => records++,
      complete: () => resolve({ ms: performance.now() - started, records }),
      error: reject,
    });
  });
}

/** Runs the command line; its wall time, CPU time and peak resident memory. */
function measure(args) {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--require', PEAK, CLI, ...args, '--quiet'], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const ms = performance.now() - started;
  if (result.status !== 0 && result.status !== 3)
    throw new Error(`modelsight ${args.join(' ')} failed:\n${result.stderr}`);
  return { ms, ...JSON.parse(result.output[3]) };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mib = (bytes) => (bytes / 1024 / 1024).toFixed(0);
const fmt = (n) => Math.round(n).toLocaleString('en-US');

const train = join(dir, 'train.csv');
const trainJsonl = join(dir, 'train.jsonl');
const current = join(dir, 'current.csv');
await writeData(train, ROWS, 0, false);
await writeData(trainJsonl, ROWS, 0, true);
await writeData(current, ROWS, 1, false);
console.log(
  `${fmt(ROWS)} rows x ${COLUMNS.length} features (8 numeric, 2 categorical): CSV ${mib(statSync(train).size)} MiB, JSON Lines ${mib(statSync(trainJsonl).size)} MiB; ${ROUNDS} rounds, medians`,
);

const results = { baseline: [], csv: [], jsonl: [], report: [] };
for (let round = 0; round < ROUNDS; round++) {
  results.baseline.push(await parseAlone(train));
  results.csv.push(measure(['profile', 'build', train, '--out', join(dir, 'profile.json')]));
  results.jsonl.push(measure(['profile', 'build', trainJsonl, '--out', join(dir, 'profile-jsonl.json')]));
  results.report.push(
    measure([
      'report',
      '--profile',
      join(dir, 'profile.json'),
      '--current',
      current,
      '--out',
      join(dir, 'report.html'),
    ]),
  );
}

const baseline = median(results.baseline.map((r) => r.ms));
console.log(
  `\nbaseline: Papa Parse alone reads the CSV in ${fmt(baseline)} ms (${fmt((ROWS / baseline) * 1000)} rows/s)\n`,
);
console.log(
  'command                          wall (median, range)       CPU       rows/s        peak RSS   x baseline',
);
for (const [name, runs] of [
  ['profile build train.csv', results.csv],
  ['profile build train.jsonl', results.jsonl],
  ['report --current current.csv', results.report],
]) {
  const wall = median(runs.map((r) => r.ms));
  const walls = runs.map((r) => r.ms);
  console.log(
    `${name.padEnd(32)} ${`${fmt(wall)} ms (${fmt(Math.min(...walls))}–${fmt(Math.max(...walls))})`.padEnd(26)} ${`${fmt(median(runs.map((r) => r.cpuMs)))} ms`.padEnd(9)} ` +
      `${fmt((ROWS / wall) * 1000).padStart(10)}    ${`${mib(median(runs.map((r) => r.maxRssKiB)) * 1024)} MiB`.padStart(8)}   ${(wall / baseline).toFixed(2)}`,
  );
}
rmSync(dir, { recursive: true, force: true });
