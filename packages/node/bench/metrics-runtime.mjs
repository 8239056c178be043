// Cost of a scrape of the runtime metrics alone: the preload's (event loop, heap, GC, process CPU and memory,
// from instrumentation-runtime-node and instrumentation-host-metrics) against prom-client's
// collectDefaultMetrics() (the same families under prom-client's names), each served by an otherwise idle
// process on loopback, scraped in turns (interleaved rounds). Reported: the serving process's main-thread
// CPU per scrape (from /proc/<pid>/task/<pid>/schedstat), the median time of a scrape, the bytes and series
// of a page, and the ratios to prom-client.
// Run: npm run build && node packages/node/bench/metrics-runtime.mjs [scrapes per round] [rounds]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './service.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const scrapesPerRound = Number(process.argv[2] ?? 50);
const rounds = Number(process.argv[3] ?? 6);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

const get = (port) =>
  new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/metrics', agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });

const PROM_CLIENT = `
const http = require('node:http');
const client = require('prom-client');
client.collectDefaultMetrics();
http.createServer(async (req, res) => {
  res.setHeader('content-type', client.register.contentType);
  res.end(await client.register.metrics());
}).listen(Number(process.env.METRICS_PORT), '127.0.0.1', () => console.log('ready'));
`;
const PRELOADED = `
require('node:http').createServer((req, res) => res.end()).listen(0, '127.0.0.1', () => console.log('ready'));
`;

async function start(name, env = {}) {
  const metricsPort = await freePort();
  const preload = name === 'prom-client' ? [] : ['--require', '@modelsight/node/register'];
  const child = spawn(process.execPath, [...preload, '-e', name === 'prom-client' ? PROM_CLIENT : PRELOADED], {
    cwd: here,
    env: {
      PATH: process.env.PATH,
      METRICS_PORT: String(metricsPort),
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => child.stdout.on('data', (chunk) => String(chunk).includes('ready') && resolve()));
  for (;;) {
    try {
      await get(metricsPort);
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const cpuNs = () => Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/schedstat`, 'utf8').split(' ')[0]);
  return { name, metricsPort, cpuNs, stop: () => child.kill('SIGKILL'), cpu: [], ms: [] };
}

const targets = [
  await start('prom-client'),
  await start('preload'),
  await start('preload, no scope labels', { MODELSIGHT_PROMETHEUS_SCOPE_LABELS: 'false' }),
];
for (let round = 0; round < rounds + 1; round++) {
  for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
    const cpu0 = target.cpuNs();
    for (let i = 0; i < scrapesPerRound; i++) {
      const started = process.hrtime.bigint();
      target.page = await get(target.metricsPort);
      if (round > 0) target.ms.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    if (round > 0) target.cpu.push((target.cpuNs() - cpu0) / scrapesPerRound / 1000);
  }
}
for (const target of targets) target.stop();

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const series = (text) => text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
const base = targets[0];
console.log(`runtime metrics only, ${rounds} rounds of ${scrapesPerRound} scrapes per server, node ${process.version}`);
console.log(
  'server'.padEnd(26),
  'series'.padStart(6),
  'bytes'.padStart(7),
  'CPU µs/scrape'.padStart(14),
  'vs prom-client'.padStart(15),
  'median ms'.padStart(10),
  'vs prom-client'.padStart(15),
);
for (const target of targets) {
  console.log(
    target.name.padEnd(26),
    String(series(target.page)).padStart(6),
    String(Buffer.byteLength(target.page)).padStart(7),
    median(target.cpu).toFixed(0).padStart(14),
    (median(target.cpu) / median(base.cpu)).toFixed(2).padStart(15),
    median(target.ms).toFixed(2).padStart(10),
    (median(target.ms) / median(base.ms)).toFixed(2).padStart(15),
  );
}
