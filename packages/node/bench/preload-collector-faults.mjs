// Request latency and memory of a service under the preload while the OTLP collector is up, down
// (nothing listens) or hanging (accepts, never answers), against the same service without the preload,
// all in the same run. Run: npm run build -w @modelsight/node && node packages/node/bench/preload-collector-faults.mjs [requests]
import { createServer } from 'node:http';
import { freePort, rssMb, startService } from './service.mjs';

const requests = Number(process.argv[2] ?? 3000);
const concurrency = 4;

async function collector(mode) {
  if (mode === 'down') return { url: `http://127.0.0.1:${await freePort()}`, close: async () => {}, received: () => 0 };
  let received = 0;
  const sockets = new Set();
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received += 1;
      if (mode === 'up') response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    received: () => received,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(resolve);
      }),
  };
}

async function scenario(name, preload, mode) {
  const sink = mode ? await collector(mode) : undefined;
  const { child, url, stderr } = await startService('preload-service.cjs', preload, {
    OTEL_EXPORTER_OTLP_ENDPOINT: sink?.url ?? 'http://127.0.0.1:9',
  });
  const body = JSON.stringify({ features: { petal_length: 4.2 } });
  const call = async () => {
    const started = process.hrtime.bigint();
    const response = await fetch(`${url}/predict`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${name}: ${response.status}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const run = async (total) => {
    const latencies = [];
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          next += 1;
          latencies.push(await call());
        }
      }),
    );
    return { latencies, seconds: (Date.now() - started) / 1000 };
  };
  await run(300); // warm-up
  const rssBefore = rssMb(child.pid);
  const { latencies, seconds } = await run(requests);
  // Past the exporter's 10 s timeout: queued spans have either left or been dropped, and a failing
  // collector has been warned about.
  await new Promise((resolve) => setTimeout(resolve, 12_000));
  const rssAfter = rssMb(child.pid);
  child.kill('SIGKILL');
  await sink?.close();
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return {
    name,
    median: q(0.5),
    p99: q(0.99),
    throughput: requests / seconds,
    rssBefore,
    rssAfter,
    warnings: stderr()
      .split('\n')
      .filter((line) => line.includes('@modelsight/node')).length,
  };
}

const results = [];
for (const [name, preload, mode] of [
  ['no preload', false, undefined],
  ['preload, collector up', true, 'up'],
  ['preload, collector down', true, 'down'],
  ['preload, collector hanging', true, 'hang'],
]) {
  results.push(await scenario(name, preload, mode));
}
// Two baselines from this run: the bare service (cost of the preload) and the preload with a healthy
// collector (cost of the fault).
const [bare, base] = results;
console.log(`${requests} POST /predict, ${concurrency} concurrent, node ${process.version}`);
console.log(
  'scenario'.padEnd(28),
  'median ms'.padStart(10),
  'p99 ms'.padStart(8),
  'req/s'.padStart(7),
  'vs bare'.padStart(8),
  'vs up'.padStart(6),
  'RSS MB before→after'.padStart(21),
  'warnings'.padStart(9),
);
for (const r of results) {
  console.log(
    r.name.padEnd(28),
    r.median.toFixed(2).padStart(10),
    r.p99.toFixed(2).padStart(8),
    r.throughput.toFixed(0).padStart(7),
    (r.median / bare.median).toFixed(2).padStart(8),
    (r.median / base.median).toFixed(2).padStart(6),
    `${r.rssBefore.toFixed(0)}→${r.rssAfter.toFixed(0)}`.padStart(21),
    String(r.warnings).padStart(9),
  );
}
