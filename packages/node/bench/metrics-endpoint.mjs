// Time of a scrape of /metrics served by the preload, against prom-client serving the same series and the
// OpenTelemetry SDK's PrometheusExporter on the same telemetry, all measured in the same run, on loopback.
// Three processes run metrics-endpoint-service.cjs; each is scraped in turn, round after round:
//   idle  nothing happened since the last scrape (most families can be served as they were)
//   busy  one prediction before each scrape (prediction, drift and HTTP families change; every drift
//         score is computed again, by each server)
// Run: npm run build && node packages/node/bench/metrics-endpoint.mjs [scrapes per round] [rounds]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './service.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const service = join(here, 'metrics-endpoint-service.cjs');
const scrapesPerRound = Number(process.argv[2] ?? 40);
const rounds = Number(process.argv[3] ?? 5);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function call(port, path, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, agent, method: body === undefined ? 'GET' : 'POST' },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function startService(mode, env = {}) {
  const port = await freePort();
  const metricsPort = await freePort();
  const preload = mode === 'modelsight' ? ['--require', '@modelsight/node/register'] : [];
  const child = spawn(process.execPath, [...preload, service], {
    cwd: here,
    env: {
      PATH: process.env.PATH,
      BENCH_EXPORTER: mode,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      OTEL_SERVICE_NAME: 'bench-service',
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => String(chunk).includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`${mode} service exited with ${code}`)));
  });
  // The preload's /metrics listens a moment after the app: wait until it answers.
  for (;;) {
    try {
      await call(metricsPort, '/metrics');
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { mode, port, metricsPort, stop: () => child.kill('SIGKILL') };
}

// The same traffic for every service: single and batch predictions, bad requests, feedback.
const rows = (seed) => {
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const row = () => ({
    sepal_length: 4.5 + random() * 3,
    sepal_width: 2 + random() * 2,
    petal_length: 1 + random() * 5.5,
    petal_width: 0.1 + random() * 2.4,
  });
  return { random, row };
};
async function traffic(target, count) {
  const { random, row } = rows(3);
  for (let i = 0; i < count; i++) {
    const draw = random();
    if (draw < 0.05) await call(target.port, '/predict', '{"features": ');
    else if (draw < 0.1) await call(target.port, '/predict', JSON.stringify({ instances: [row(), row(), row()] }));
    else {
      const answer = JSON.parse(await call(target.port, '/predict', JSON.stringify({ features: row() })));
      if (random() < 0.5)
        await call(
          target.port,
          '/feedback',
          JSON.stringify({ predictionId: answer.predictionId, label: answer.label }),
        );
    }
  }
}

const modelsight = await startService('modelsight');
const upstream = await startService('upstream');
for (const target of [modelsight, upstream]) await traffic(target, 600);
const snapshot = await call(modelsight.metricsPort, '/metrics');
const dir = mkdtempSync(join(tmpdir(), 'metrics-bench-'));
writeFileSync(join(dir, 'snapshot.txt'), snapshot);
const promClient = await startService('prom-client', { SNAPSHOT: join(dir, 'snapshot.txt') });
// The service read the snapshot as it started.
rmSync(dir, { recursive: true, force: true });
await traffic(promClient, 600);
const targets = [promClient, upstream, modelsight];
const { row } = rows(5);

const seriesOf = (text) => text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
for (const target of targets) target.series = seriesOf(await call(target.metricsPort, '/metrics'));

async function scrapeMs(target, busy) {
  if (busy) await call(target.port, '/predict', JSON.stringify({ features: row() }));
  const started = process.hrtime.bigint();
  await call(target.metricsPort, '/metrics');
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const times = new Map(targets.map((t) => [t, { idle: [], busy: [] }]));
for (let round = 0; round < rounds + 1; round++) {
  for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
    for (const kind of ['idle', 'busy']) {
      for (let i = 0; i < scrapesPerRound; i++) {
        const ms = await scrapeMs(target, kind === 'busy');
        if (round > 0) times.get(target)[kind].push(ms); // round 0 warms up
      }
    }
  }
}
for (const target of targets) target.stop();

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const p90 = (values) => values.sort((a, b) => a - b)[Math.floor(values.length * 0.9)];
const base = times.get(promClient);
console.log(
  `GET /metrics on loopback, ${rounds} rounds of ${scrapesPerRound} scrapes per server and kind, node ${process.version}`,
);
console.log(
  'server'.padEnd(34),
  'series'.padStart(6),
  'idle median ms'.padStart(15),
  'p90'.padStart(6),
  'vs prom-client'.padStart(15),
  'busy median ms'.padStart(15),
  'p90'.padStart(6),
  'vs prom-client'.padStart(15),
);
const names = {
  'prom-client': 'prom-client 15 (same series)',
  upstream: 'SDK PrometheusExporter',
  modelsight: '@modelsight/node preload',
};
for (const target of targets) {
  const t = times.get(target);
  console.log(
    names[target.mode].padEnd(34),
    String(target.series).padStart(6),
    median(t.idle).toFixed(2).padStart(15),
    p90(t.idle).toFixed(2).padStart(6),
    (median(t.idle) / median(base.idle)).toFixed(2).padStart(15),
    median(t.busy).toFixed(2).padStart(15),
    p90(t.busy).toFixed(2).padStart(6),
    (median(t.busy) / median(base.busy)).toFixed(2).padStart(15),
  );
}
