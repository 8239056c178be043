// What shadows cost the primary: its p99 latency and requests per second with a shadow of the same model,
// and with a slow shadow that is dropped and counted, against the primary alone, in interleaved rounds.
// Each request awaits 1 ms of I/O (a feature lookup) and then the model, as a model service does; clients
// run in a closed loop. Memory is sampled after each round with a slow shadow: it must stay flat.
// Run: node --expose-gc packages/core/bench/model-versions.mjs   (after `npm run build -w @modelsight/core`)
import { AlwaysOnSampler } from '@opentelemetry/sdk-trace-base';
import { modelVersions, PredictionMetricsRegistry } from '@modelsight/core';
import { predict, tracerWith } from './support.mjs';

const CLIENTS = 16;
const ROUND_MS = 1_000;
const ROUNDS = 9;
const SLOW_SHADOW_MS = 50;

const tracer = tracerWith(new AlwaysOnSampler());
const registry = new PredictionMetricsRegistry();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const rows = Array.from({ length: 256 }, (_, i) => [
  5 + (i % 7) / 10,
  3 + (i % 5) / 10,
  1.5 + (i % 11) / 5,
  0.2 + (i % 13) / 10,
]);

/** A request: 1 ms of I/O, then the model. */
const handler = (versions) => async (row) => {
  await sleep(1);
  return versions(row);
};
const group = (name, shadows) =>
  modelVersions({ name, registry, tracer, primary: { version: '1.0.0', predict }, shadows });

const scenarios = {
  'primary alone': group('alone', []),
  'primary + shadow (same model)': group('same', [{ version: '2.0.0', predict }]),
  [`primary + slow shadow (${SLOW_SHADOW_MS} ms)`]: group('slow', [
    {
      version: '2.0.0',
      predict: async (row) => {
        await sleep(SLOW_SHADOW_MS);
        return predict(row);
      },
    },
  ]),
};

/** Runs CLIENTS closed-loop clients for ROUND_MS; requests per second and p99 in ms. */
async function round(versions) {
  const serve = handler(versions);
  const latencies = [];
  const end = performance.now() + ROUND_MS;
  const client = async (c) => {
    let i = c;
    while (performance.now() < end) {
      const start = performance.now();
      await serve(rows[i++ & 255]);
      latencies.push(performance.now() - start);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / seconds, p99: latencies[Math.floor(latencies.length * 0.99)] };
}

const samples = Object.fromEntries(Object.keys(scenarios).map((name) => [name, { rps: [], p99: [] }]));
const heap = [];
for (const versions of Object.values(scenarios)) await round(versions);
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, versions] of Object.entries(scenarios)) {
    const { rps, p99 } = await round(versions);
    samples[name].rps.push(rps);
    samples[name].p99.push(p99);
    if (name.includes('slow')) {
      globalThis.gc?.();
      heap.push(process.memoryUsage().heapUsed / 2 ** 20);
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return `${sorted[Math.floor(xs.length / 4)].toFixed(0)}–${sorted[Math.floor((xs.length * 3) / 4)].toFixed(0)}`;
};
const base = { rps: median(samples['primary alone'].rps), p99: median(samples['primary alone'].p99) };
console.log(
  `Shadows and the primary — ${CLIENTS} clients, requests of 1 ms I/O + the model, median of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms, Node ${process.version}`,
);
for (const [name, s] of Object.entries(samples)) {
  const rps = median(s.rps);
  const p99 = median(s.p99);
  console.log(
    `  ${name.padEnd(36)} ${rps.toFixed(0).padStart(6)} req/s (IQR ${spread(s.rps)}, ×${(rps / base.rps).toFixed(3)})   p99 ${p99.toFixed(3)} ms (×${(p99 / base.p99).toFixed(3)})`,
  );
}
const state = (name) => scenarios[name].state().versions[1].shadow;
const same = state('primary + shadow (same model)');
const slowName = Object.keys(scenarios).find((n) => n.includes('slow'));
const slow = state(slowName);
const compared = (name) => registry.forModel({ name, version: '2.0.0' }).ok;
console.log(
  `  shadow of the same model: ${compared('same')} calls run, ${same.dropped.queue_full} dropped (queue_full); slow shadow: ${compared('slow')} run, ${slow.dropped.queue_full} dropped (queue_full), ${slow.queued} waiting (maxQueued 100)`,
);
console.log(
  `  heap after each slow-shadow round (MiB, after gc): ${heap.map((h) => h.toFixed(1)).join(', ')}${globalThis.gc ? '' : ' (run with --expose-gc for comparable figures)'}`,
);
for (const versions of Object.values(scenarios)) await versions.close();
