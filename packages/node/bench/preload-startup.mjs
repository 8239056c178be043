// Start-up cost of the preload: `node --require @modelsight/node/register -e 0` (and `--import`) against
// `node -e 0`, interleaved in the same run so that both see the same machine load.
// Run: npm run build -w @modelsight/node && node packages/node/bench/preload-startup.mjs [runs]
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

// The repository root, three levels up from packages/node/bench.
const root = dirname(dirname(dirname(dirname(fileURLToPath(import.meta.url)))));
const runs = Number(process.argv[2] ?? 30);
const env = {
  PATH: process.env.PATH,
  // A free port per run, so that runs never collide with a service on 9464.
  OTEL_EXPORTER_PROMETHEUS_PORT: '0',
};
const variants = {
  'node -e 0': ['-e', '0'],
  'node --require @modelsight/node/register -e 0': ['--require', '@modelsight/node/register', '-e', '0'],
  'node --import @modelsight/node/register -e 0': ['--import', '@modelsight/node/register', '-e', '0'],
};

function once(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0 || result.stderr !== '') {
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return ms;
}

const times = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (const args of Object.values(variants)) once(args); // warm the file cache
for (let i = 0; i < runs; i += 1) {
  for (const [name, args] of Object.entries(variants)) times[name].push(once(args));
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const baseline = quantile(times['node -e 0'], 0.5);
console.log(`preload start-up, ${runs} interleaved runs each, node ${process.version}`);
console.log('variant'.padEnd(50), 'median ms'.padStart(10), 'p90 ms'.padStart(8), 'added ms'.padStart(9), 'ratio'.padStart(6));
for (const [name, values] of Object.entries(times)) {
  const median = quantile(values, 0.5);
  console.log(
    name.padEnd(50),
    median.toFixed(1).padStart(10),
    quantile(values, 0.9).toFixed(1).padStart(8),
    (median - baseline).toFixed(1).padStart(9),
    (median / baseline).toFixed(2).padStart(6),
  );
}
const added = quantile(times['node --require @modelsight/node/register -e 0'], 0.5) - baseline;
console.log(`target: at most 300 ms added with --require; measured ${added.toFixed(0)} ms: ${added <= 300 ? 'met' : 'MISSED'}`);
