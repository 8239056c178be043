// Sustained load on a model service, without the preload and under it with a live or a dead OTLP collector,
// all in the same run: requests per second, p99 latency and RSS in consecutive windows (a leak shows as RSS
// that keeps growing), then how long the SIGTERM flush takes and, with the live collector, whether every
// answered prediction reached it. The service is test/fixtures/shutdown-service.cjs: node:http, traced() and
// a pino prediction log written asynchronously to a file. Everything runs on loopback and stops by itself.
//
// Run: npm run build && node packages/node/bench/preload-load-soak.mjs [--windows 6] [--seconds 5] [--connections 32]
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { freePort, rssMb, startService } from './service.mjs';

const { values } = parseArgs({
  options: {
    windows: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
  },
});
const windows = Math.min(Number(values.windows), 60);
const seconds = Math.min(Number(values.seconds), 60);
const connections = Math.min(Number(values.connections), 256);

/** An OTLP/HTTP collector on loopback that accepts everything and counts the predictions it receives. */
async function liveCollector() {
  const predictionIds = new Set();
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        // The IDs are found in the JSON text: no need to decode the whole request.
        for (const match of Buffer.concat(chunks)
          .toString('utf8')
          .matchAll(/"ml\.prediction\.id","value":\{"stringValue":"([^"]+)"/g)) {
          predictionIds.add(match[1]);
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    predictions: () => predictionIds.size,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))),
  };
}

async function scenario(name, preload, collector) {
  const dir = mkdtempSync(join(tmpdir(), 'modelsight-soak-'));
  const logFile = join(dir, 'service.log');
  const { child, url, exited, stderr } = await startService('shutdown-service.cjs', preload, {
    LOG_FILE: logFile,
    OTEL_EXPORTER_OTLP_ENDPOINT: collector?.url ?? `http://127.0.0.1:${await freePort()}`,
  });
  const load = (duration) =>
    autocannon({
      url: `${url}/predict`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ features: { petal_length: 4.2 } }),
      connections,
      duration,
    });
  let answered = (await load(2))['2xx']; // warm-up
  const samples = [];
  for (let i = 0; i < windows; i++) {
    const result = await load(seconds);
    answered += result['2xx'];
    samples.push({
      rps: result.requests.average,
      p99: result.latency.p99,
      errors: result.errors + result.non2xx,
      rss: rssMb(child.pid),
    });
  }
  const signalled = performance.now();
  child.kill('SIGTERM');
  const exit = await exited;
  const shutdownMs = performance.now() - signalled;
  rmSync(dir, { recursive: true, force: true });
  return {
    name,
    samples,
    answered,
    shutdownMs,
    exit,
    warnings: stderr()
      .split('\n')
      .filter((line) => line.includes('@modelsight/node')),
  };
}

const live = await liveCollector();
const results = [];
for (const [name, preload, collector] of [
  ['no preload', false, undefined],
  ['preload, live collector', true, live],
  ['preload, dead collector', true, undefined],
]) {
  results.push(await scenario(name, preload, collector));
}
const received = live.predictions();
await live.close();

console.log(
  `POST /predict from ${connections} connections, ${windows} windows of ${seconds} s after a 2 s warm-up, node ${process.version}`,
);
console.log(
  'scenario'.padEnd(26),
  'window',
  'req/s'.padStart(7),
  'p99 ms'.padStart(7),
  'errors'.padStart(7),
  'RSS MB'.padStart(7),
);
for (const r of results) {
  r.samples.forEach((s, i) =>
    console.log(
      (i === 0 ? r.name : '').padEnd(26),
      String(i + 1).padStart(6),
      s.rps.toFixed(0).padStart(7),
      String(s.p99).padStart(7),
      String(s.errors).padStart(7),
      s.rss.toFixed(1).padStart(7),
    ),
  );
}
const mean = (list) => list.reduce((sum, value) => sum + value, 0) / list.length;
const [bare] = results;
console.log();
console.log(
  'scenario'.padEnd(26),
  'req/s vs bare'.padStart(14),
  'p99 vs bare'.padStart(12),
  'RSS growth MB'.padStart(14),
  'SIGTERM → exit'.padStart(15),
);
for (const r of results) {
  console.log(
    r.name.padEnd(26),
    (mean(r.samples.map((s) => s.rps)) / mean(bare.samples.map((s) => s.rps))).toFixed(2).padStart(14),
    (mean(r.samples.map((s) => s.p99)) / mean(bare.samples.map((s) => s.p99))).toFixed(2).padStart(12),
    (r.samples.at(-1).rss - r.samples[0].rss).toFixed(1).padStart(14),
    `${r.shutdownMs.toFixed(0)} ms, ${r.exit.signal ?? r.exit.code}`.padStart(15),
  );
}
const withLive = results[1];
console.log();
// A request autocannon gave up on at the end of a window may still have been answered, and exported.
console.log(`live collector: ${received} predictions received; the load counted ${withLive.answered} answers`);
for (const r of results)
  for (const warning of [...new Set(r.warnings)].slice(0, 3)) console.log(`${r.name}: ${warning.slice(0, 160)}`);
