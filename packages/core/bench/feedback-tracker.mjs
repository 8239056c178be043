// Cost of a FeedbackTracker on the prediction path, its memory per remembered prediction, and the
// cost of one feedback, each against a baseline measured in the same run.
// Run: node --expose-gc packages/core/bench/feedback-tracker.mjs   (after `npm run build -w @modelsight/core`)
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { FeedbackTracker, traced } from '@modelsight/core';

const CALLS_PER_ROUND = 50_000;
const ROUNDS = 11;
const STORE_SIZE = 100_000;

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const discard = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
const tracer = new BasicTracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new BatchSpanProcessor(discard)] }).getTracer('bench');
class PullReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}
const reader = new PullReader();
const meter = new MeterProvider({ readers: [reader] }).getMeter('bench');

const labels = ['setosa', 'versicolor', 'virginica'];
function predict(row) {
  const z = [row[0] - row[2], row[1] - row[3], row[2] + row[3] - row[0]];
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e[0] + e[1] + e[2];
  const probabilities = e.map((v) => v / s);
  const k = probabilities.indexOf(Math.max(...probabilities));
  return { label: labels[k], confidence: probabilities[k], probabilities };
}
const model = { name: 'iris-classifier', version: '1.0.0' };
const tracker = new FeedbackTracker({ meter, maxEntries: STORE_SIZE });
const scenarios = {
  'traced(), no observer': traced(predict, { model, tracer }),
  'traced(), an empty observer': traced(predict, { model, tracer, observers: [{ onPrediction() {} }] }),
  'traced(), FeedbackTracker': traced(predict, { model, tracer, observers: [tracker] }),
};

const rows = Array.from({ length: 256 }, (_, i) => [5 + (i % 7) / 10, 3 + (i % 5) / 10, 1.5 + (i % 11) / 5, 0.2 + (i % 13) / 10]);
const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));
async function round(fn) {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS_PER_ROUND; i++) {
    sink += fn(rows[i & 255]).confidence;
    if ((i & 1023) === 1023) await yieldToEventLoop();
  }
  if (sink < 0) console.log(sink);
  return Number(process.hrtime.bigint() - start) / CALLS_PER_ROUND;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const samples = Object.fromEntries(Object.keys(scenarios).map((name) => [name, []]));
for (const fn of Object.values(scenarios)) await round(fn); // warm-up, and fills the store: evictions from here on
for (let r = 0; r < ROUNDS; r++) for (const [name, fn] of Object.entries(scenarios)) samples[name].push(await round(fn));
const ns = Object.fromEntries(Object.entries(samples).map(([name, xs]) => [name, median(xs)]));
const base = ns['traced(), no observer'];
console.log(`FeedbackTracker on the prediction path — median of ${ROUNDS} interleaved rounds of ${CALLS_PER_ROUND} calls, Node ${process.version}`);
console.log('scenario'.padEnd(32), 'ns/call'.padStart(9), 'added ns'.padStart(9), 'x traced()'.padStart(11));
for (const [name, value] of Object.entries(ns)) {
  console.log(name.padEnd(32), value.toFixed(0).padStart(9), (value - base).toFixed(0).padStart(9), (value / base).toFixed(2).padStart(11));
}

// Memory per remembered prediction, against a Map holding only the same ID strings.
const gc = globalThis.gc;
if (!gc) {
  console.log('\n(run with --expose-gc for the memory figures)');
} else {
  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const ids = (prefix) => Array.from({ length: STORE_SIZE }, (_, i) => `${prefix}-${i.toString(36)}`);
  const traceIdOf = (i) => i.toString(16).padStart(32, '0');

  let before = heap();
  const mapOfIds = new Map();
  for (const id of ids('0123456789ab')) mapOfIds.set(id, true);
  const mapBytes = (heap() - before) / STORE_SIZE;

  const record = { model, predictionId: '', traceId: undefined, status: 'ok', label: 'setosa', confidence: 0.9, output: undefined, features: undefined, durationSeconds: 0, endTime: 0 };
  const memoryTracker = new FeedbackTracker({ meter, maxEntries: STORE_SIZE });
  const trackerIds = ids('ba9876543210');
  before = heap();
  trackerIds.forEach((id, i) => {
    record.predictionId = id;
    record.traceId = traceIdOf(i);
    memoryTracker.onPrediction(record);
  });
  const trackerBytes = (heap() - before) / STORE_SIZE;
  console.log(`\nmemory per remembered prediction (${STORE_SIZE} predictions, ID and trace ID strings included):`);
  console.log(`  Map of the ID strings alone: ${mapBytes.toFixed(0)} B; FeedbackTracker: ${trackerBytes.toFixed(0)} B (x${(trackerBytes / mapBytes).toFixed(2)})`);
  console.log(`  so the default maxEntries (100000) holds about ${((trackerBytes * 100_000) / 1024 / 1024).toFixed(1)} MiB`);

  // One feedback: a Map lookup is the baseline.
  let sink = 0;
  let start = process.hrtime.bigint();
  for (const id of trackerIds) sink += mapOfIds.has(id) ? 1 : 0;
  const lookupNs = Number(process.hrtime.bigint() - start) / STORE_SIZE;
  start = process.hrtime.bigint();
  for (let i = 0; i < STORE_SIZE; i++) sink += memoryTracker.recordFeedback(trackerIds[i], labels[i % 3]).length;
  const feedbackNs = Number(process.hrtime.bigint() - start) / STORE_SIZE;
  console.log(`\nrecordFeedback: ${feedbackNs.toFixed(0)} ns (Map lookup: ${lookupNs.toFixed(0)} ns); includes one SDK counter add`);
  start = process.hrtime.bigint();
  await reader.collect();
  console.log(`collection of the gauges (window 1000): ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(2)} ms`);
  if (sink < 0) console.log(sink);
}
