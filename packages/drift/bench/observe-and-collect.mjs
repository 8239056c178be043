// Cost of DriftMonitor.observe() per feature value against one bare OpenTelemetry span, the time
// to collect 50 features with full windows, and the heap before and after 10 million observations,
// all in one run. Run: npm run build -w @modelsight/drift && npm run bench -w @modelsight/drift
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { buildProfile, DriftMonitor } from '@modelsight/drift';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

const ROUNDS = 11;
const CALLS_PER_ROUND = 200_000;
const OBSERVATIONS_FOR_HEAP = Number(process.argv[2] ?? 10_000_000);

// Deterministic data: mulberry32 uniforms, Box-Muller normals.
let state = 12345;
const uniform = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const normal = () => Math.sqrt(-2 * Math.log(uniform() || 1e-300)) * Math.cos(2 * Math.PI * uniform());
const CATEGORIES = ['red', 'green', 'blue', 'cyan', 'magenta', 'yellow', 'black', 'white'];

/** A row of `numeric` normal features n0… and `categorical` features c0… */
function makeRow(numeric, categorical, shift = 0) {
  const row = {};
  for (let i = 0; i < numeric; i++) row[`n${i}`] = normal() + shift;
  for (let i = 0; i < categorical; i++)
    row[`c${i}`] = CATEGORIES[Math.floor(uniform() ** (1 + i / 10) * CATEGORIES.length)];
  return row;
}

class PullReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

function monitorFor(numeric, categorical) {
  const profile = buildProfile(Array.from({ length: 5000 }, () => makeRow(numeric, categorical)));
  const reader = new PullReader();
  const meter = new MeterProvider({ readers: [reader] }).getMeter('bench');
  const monitor = new DriftMonitor({ model: { name: 'bench', version: '1' }, profile, meter });
  return { monitor, reader };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

// 1. observe() per feature value against a bare span, interleaved rounds.
const discard = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
const tracer = new BasicTracerProvider({
  sampler: new AlwaysOnSampler(),
  spanProcessors: [new BatchSpanProcessor(discard)],
}).getTracer('bench');
const NUMERIC = 10;
const CATEGORICAL = 5;
const FEATURES = NUMERIC + CATEGORICAL;
const { monitor: hot } = monitorFor(NUMERIC, CATEGORICAL);
const rows = Array.from({ length: 4096 }, () => makeRow(NUMERIC, CATEGORICAL, 0.1));

function spans(n) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) tracer.startSpan('predict bench').end();
  return Number(process.hrtime.bigint() - start) / n;
}
function observations(n) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) hot.observe(rows[i & 4095]);
  return Number(process.hrtime.bigint() - start) / n;
}
spans(CALLS_PER_ROUND);
observations(CALLS_PER_ROUND);
const spanNs = [];
const observeNs = [];
for (let round = 0; round < ROUNDS; round++) {
  spanNs.push(spans(CALLS_PER_ROUND));
  observeNs.push(observations(CALLS_PER_ROUND));
}
const span = median(spanNs);
const row = median(observeNs);
const perValue = row / FEATURES;
console.log(`bare span (start + end, AlwaysOn, batch processor): ${span.toFixed(0)} ns`);
console.log(
  `observe(row of ${FEATURES} features: ${NUMERIC} numeric, ${CATEGORICAL} categorical): ${row.toFixed(0)} ns`,
);
console.log(
  `  per feature value: ${perValue.toFixed(1)} ns = ${((perValue / span) * 100).toFixed(2)}% of a span (target <= 5%)`,
);

// 2. Collection of 50 features with full windows (1000 values each).
const { monitor: wide, reader } = monitorFor(25, 25);
const wideRows = Array.from({ length: 2000 }, () => makeRow(25, 25, 0.2));
for (const r of wideRows) wide.observe(r);
let start = process.hrtime.bigint();
await reader.collect();
const cold = Number(process.hrtime.bigint() - start) / 1e6;
for (let i = 0; i < 10; i++) {
  wide.observe(wideRows[i]);
  await reader.collect();
}
const fresh = [];
const cached = [];
for (let i = 0; i < 30; i++) {
  wide.observe(wideRows[i]); // every window changed: every score is recomputed
  start = process.hrtime.bigint();
  await reader.collect();
  fresh.push(Number(process.hrtime.bigint() - start) / 1e6);
  start = process.hrtime.bigint();
  await reader.collect();
  cached.push(Number(process.hrtime.bigint() - start) / 1e6);
}
const { resourceMetrics } = await reader.collect();
const points = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).reduce((n, m) => n + m.dataPoints.length, 0);
console.log(
  `collect() of 50 features (25 numeric, 25 categorical), windows of 1000, ${points} data points: ` +
    `${median(fresh).toFixed(2)} ms median, ${Math.max(...fresh).toFixed(2)} ms max of 30 when every window changed (target < 20 ms); ` +
    `${median(cached).toFixed(2)} ms when nothing changed; first collection (cold JIT) ${cold.toFixed(2)} ms`,
);

// 3. Heap before and after 10 million observations (of the 15-feature row: 150 million values).
const before = heapMb();
const startHeapRun = process.hrtime.bigint();
for (let i = 0; i < OBSERVATIONS_FOR_HEAP; i++) hot.observe(rows[i & 4095]);
const seconds = Number(process.hrtime.bigint() - startHeapRun) / 1e9;
const after = heapMb();
console.log(
  `heap: ${before.toFixed(2)} MB before, ${after.toFixed(2)} MB after ${OBSERVATIONS_FOR_HEAP.toLocaleString('en')} observations ` +
    `(${(OBSERVATIONS_FOR_HEAP * FEATURES).toLocaleString('en')} values, ${seconds.toFixed(1)} s): ${after - before >= 0 ? '+' : ''}${(after - before).toFixed(2)} MB`,
);
