// Start-up cost of the preload: `node --require @modelsight/node/register -e 0` (and `--import`) against
// `node -e 0`, interleaved in the same run so that all see the same machine load. The last variant runs
// only the instrumentations the preload had before Express, Fastify and fetch: the difference is what
// those three cost; the one after, what Koa's and NestJS's cost.
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
const REQUIRE = 'node --require @modelsight/node/register -e 0';
const IMPORT = 'node --import @modelsight/node/register -e 0';
const variants = {
  'node -e 0': { args: ['-e', '0'] },
  [REQUIRE]: { args: ['--require', '@modelsight/node/register', '-e', '0'] },
  [IMPORT]: { args: ['--import', '@modelsight/node/register', '-e', '0'] },
  '  same, without express, fastify, undici': {
    args: ['--require', '@modelsight/node/register', '-e', '0'],
    env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'express,fastify,undici' },
  },
  '  same, without koa, nestjs-core': {
    args: ['--require', '@modelsight/node/register', '-e', '0'],
    env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'koa,nestjs-core' },
  },
};
// Most added ms allowed, by variant.
const targets = { [REQUIRE]: 200, [IMPORT]: 300 };

function once({ args, env: extra = {} }) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: root, env: { ...env, ...extra }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0 || result.stderr !== '') {
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return ms;
}

const times = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (const variant of Object.values(variants)) once(variant); // warm the file cache
for (let i = 0; i < runs; i += 1) {
  for (const [name, variant] of Object.entries(variants)) times[name].push(once(variant));
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const baseline = quantile(times['node -e 0'], 0.5);
console.log(`preload start-up, ${runs} interleaved runs each, node ${process.version}`);
console.log(
  'variant'.padEnd(50),
  'median ms'.padStart(10),
  'p90 ms'.padStart(8),
  'added ms'.padStart(9),
  'ratio'.padStart(6),
);
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
for (const [name, most] of Object.entries(targets)) {
  const added = quantile(times[name], 0.5) - baseline;
  console.log(
    `target: at most ${most} ms added by ${name.split(' ')[1]}; measured ${added.toFixed(0)} ms: ${added <= most ? 'met' : 'MISSED'}`,
  );
}
