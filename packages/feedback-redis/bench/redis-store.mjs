// Cost of the Redis feedback store on the prediction path, against traced() alone and the tracker's
// in-process store, measured in the same run; Redis memory per pending prediction.
// Needs `redis-server` on the PATH (Debian package redis-server); starts its own on free ports.
// Run: npm run bench -w @modelsight/feedback-redis   (after `npm run build`)
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { AlwaysOnSampler } from '@opentelemetry/sdk-trace-base';
import { FeedbackTracker, traced } from '@modelsight/core';
import { redisFeedbackStore } from '@modelsight/feedback-redis';
import { model, predict, PullReader, tracerWith } from '../../core/bench/support.mjs';

// Smaller runs on a busy machine: BENCH_CALLS (per round) and BENCH_ROUNDS.
const CALLS_PER_ROUND = Number(process.env.BENCH_CALLS) || 50_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 11;
// BENCH_BASELINE=<path to another build's dist/index.mjs>: the same Redis scenario with that build, for before/after ratios.
const baseline = process.env.BENCH_BASELINE ? await import(process.env.BENCH_BASELINE) : undefined;
const MEMORY_PREDICTIONS = 100_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function redisServer() {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const cli = (...args) =>
    new Promise((resolve) => {
      let out = '';
      const c = spawn('redis-cli', ['-p', String(port), ...args]);
      c.stdout.on('data', (d) => (out += d));
      c.on('close', () => resolve(out.trim()));
    });
  for (let i = 0; i < 100 && (await cli('ping')) !== 'PONG'; i++) await sleep(50);
  return { url: `redis://127.0.0.1:${port}`, child, cli };
}

/** Six cluster nodes (three primaries, three replicas) on free ports, joined by `redis-cli --cluster create`. */
async function redisCluster() {
  const nodes = [];
  for (let i = 0; i < 6; i++) {
    let port = await freePort();
    while (port > 55_000 || nodes.some((n) => n.port === port)) port = await freePort();
    const dir = `/tmp/modelsight-bench-cluster-${process.pid}-${port}`;
    await import('node:fs').then((fs) => fs.mkdirSync(dir, { recursive: true }));
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `${dir}/nodes.conf`,
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--repl-diskless-sync-delay',
        '0',
      ],
      { stdio: 'ignore' },
    );
    nodes.push({ port, child, dir });
  }
  const cli = (port, ...args) =>
    new Promise((resolve) => {
      let out = '';
      const c = spawn('redis-cli', ['-p', String(port), ...args]);
      c.stdout.on('data', (d) => (out += d));
      c.on('close', () => resolve(out.trim()));
    });
  for (const { port } of nodes) for (let i = 0; i < 100 && (await cli(port, 'ping')) !== 'PONG'; i++) await sleep(50);
  await cli(
    nodes[0].port,
    '--cluster',
    'create',
    ...nodes.map((n) => `127.0.0.1:${n.port}`),
    '--cluster-replicas',
    '1',
    '--cluster-yes',
  );
  for (const { port } of nodes)
    for (;;) {
      const info = await cli(port, 'info', 'replication');
      if (
        (await cli(port, 'cluster', 'info')).includes('cluster_state:ok') &&
        (info.includes('role:master') || info.includes('master_link_status:up'))
      )
        break;
      await sleep(50);
    }
  return { urls: nodes.map((n) => `redis://127.0.0.1:${n.port}`), nodes };
}

const tracer = tracerWith(new AlwaysOnSampler());
const meter = new MeterProvider({ readers: [new PullReader()] }).getMeter('bench');
const redis = await redisServer();
const hung = await redisServer();
const downPort = await freePort();
const cluster = await redisCluster();

const stores = {
  up: redisFeedbackStore({ url: redis.url }),
  hung: redisFeedbackStore({ url: hung.url, timeoutMs: 200 }),
  down: redisFeedbackStore({ url: `redis://127.0.0.1:${downPort}`, timeoutMs: 200 }),
  clusterWait: redisFeedbackStore({ clusterNodes: cluster.urls, keyPrefix: 'w:' }),
  clusterNoWait: redisFeedbackStore({ clusterNodes: cluster.urls, keyPrefix: 'n:', waitForReplica: false }),
  ...(baseline ? { baseline: baseline.redisFeedbackStore({ url: redis.url, keyPrefix: 'b:' }) } : {}),
};
while (Object.entries(stores).some(([name, store]) => name !== 'down' && !store.available)) await sleep(20);
hung.child.kill('SIGSTOP');

const wrap = (observers) => traced(predict, { model, tracer, observers });
const scenarios = {
  'traced(), no observer': wrap([]),
  'traced(), FeedbackTracker, in-process store': wrap([new FeedbackTracker({ meter })]),
  'traced(), FeedbackTracker, Redis store': wrap([new FeedbackTracker({ meter, store: stores.up })]),
  'same, Redis hanging (SIGSTOP)': wrap([new FeedbackTracker({ meter, store: stores.hung })]),
  'same, Redis down (refused)': wrap([new FeedbackTracker({ meter, store: stores.down })]),
  'same, Redis Cluster, WAIT for a replica': wrap([new FeedbackTracker({ meter, store: stores.clusterWait })]),
  'same, Redis Cluster, no WAIT': wrap([new FeedbackTracker({ meter, store: stores.clusterNoWait })]),
  ...(baseline
    ? { 'same, Redis store, BENCH_BASELINE build': wrap([new FeedbackTracker({ meter, store: stores.baseline })]) }
    : {}),
};

const rows = Array.from({ length: 256 }, (_, i) => [
  5 + (i % 7) / 10,
  3 + (i % 5) / 10,
  1.5 + (i % 11) / 5,
  0.2 + (i % 13) / 10,
]);

/**
 * CPU ns per call on the prediction path (only the synchronous calls are counted: the batched
 * writes run between blocks, as in a service between requests), and CPU ns per call of the whole
 * round, writes to Redis included. CPU time rather than wall time: on a shared machine the wall
 * clock also counts the time other processes had the core.
 */
async function round(fn) {
  let pathUs = 0;
  let sink = 0;
  const whole = process.cpuUsage();
  for (let done = 0; done < CALLS_PER_ROUND; done += 1024) {
    const block = process.cpuUsage();
    for (let i = done; i < done + 1024; i++) sink += fn(rows[i & 255]).confidence;
    const used = process.cpuUsage(block);
    pathUs += used.user + used.system;
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all([stores.up, stores.clusterWait, stores.clusterNoWait, stores.baseline].map((s) => s?.flushed()));
  const used = process.cpuUsage(whole);
  if (sink < 0) console.log(sink);
  const calls = Math.ceil(CALLS_PER_ROUND / 1024) * 1024;
  return { path: (pathUs * 1000) / calls, cpu: ((used.user + used.system) * 1000) / calls };
}

const samples = Object.fromEntries(Object.keys(scenarios).map((name) => [name, []]));
for (const fn of Object.values(scenarios)) await round(fn);
for (let r = 0; r < ROUNDS; r++)
  for (const [name, fn] of Object.entries(scenarios)) samples[name].push(await round(fn));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(samples['traced(), no observer'].map((s) => s.path));
const memoryStore = median(samples['traced(), FeedbackTracker, in-process store'].map((s) => s.path));
console.log(
  `Redis feedback store on the prediction path — median of ${ROUNDS} interleaved rounds of ${CALLS_PER_ROUND} calls, Node ${process.version}`,
);
console.log(
  'scenario'.padEnd(46),
  'path ns'.padStart(8),
  '+traced()'.padStart(10),
  '+in-proc'.padStart(9),
  'x traced()'.padStart(11),
  'CPU ns'.padStart(8),
);
for (const [name, xs] of Object.entries(samples)) {
  const path = median(xs.map((s) => s.path));
  const cpu = median(xs.map((s) => s.cpu));
  console.log(
    name.padEnd(46),
    path.toFixed(0).padStart(8),
    (path - base).toFixed(0).padStart(10),
    (path - memoryStore).toFixed(0).padStart(9),
    (path / base).toFixed(2).padStart(11),
    cpu.toFixed(0).padStart(8),
  );
}
console.log(
  '(path ns: CPU of the synchronous call; CPU ns: all CPU of this process per prediction, batched writes to Redis included)',
);

// Redis memory per pending prediction, IDs as traced() makes them.
async function memoryPerPrediction(traceIndex) {
  await redis.cli('flushall');
  const usedMemory = async () => Number((await redis.cli('info', 'memory')).match(/used_memory:(\d+)/)[1]);
  const store = redisFeedbackStore({ url: redis.url, traceIndex });
  while (!store.available) await sleep(20);
  const tracker = new FeedbackTracker({ meter, store });
  const fn = traced(predict, { model: { name: 'iris-classifier', version: '1.0.0' }, tracer, observers: [tracker] });
  const before = await usedMemory();
  for (let i = 0; i < MEMORY_PREDICTIONS; i++) {
    fn(rows[i & 255]);
    if ((i & 1023) === 1023) await store.flushed();
  }
  await store.flushed();
  const keys = Number(await redis.cli('dbsize'));
  const bytes = ((await usedMemory()) - before) / MEMORY_PREDICTIONS;
  let sample = await redis.cli('randomkey');
  while (!sample.includes(':p:')) sample = await redis.cli('randomkey');
  const value = await redis.cli('get', sample);
  await store.close();
  return { keys, bytes, sample, value };
}
for (const traceIndex of [false, true]) {
  const { keys, bytes, sample, value } = await memoryPerPrediction(traceIndex);
  console.log(
    `\nRedis memory per pending prediction${traceIndex ? ', with the trace index' : ''}: ${bytes.toFixed(0)} B ` +
      `(${MEMORY_PREDICTIONS} predictions, ${keys} keys, INFO used_memory before and after)`,
  );
  console.log(`  e.g. ${sample} = ${JSON.stringify(value)} (${value.length} bytes)`);
}

hung.child.kill('SIGCONT');
for (const store of Object.values(stores)) await store.close();
redis.child.kill('SIGTERM');
for (const node of cluster.nodes) node.child.kill('SIGTERM');
const { rmSync } = await import('node:fs');
for (const node of cluster.nodes) rmSync(node.dir, { recursive: true, force: true });
hung.child.kill('SIGTERM');
