// Cost of a FeedbackTracker on the prediction path, its memory per remembered prediction, and the
// cost of one feedback, each against a baseline measured in the same run.
// Run: node --expose-gc packages/core/bench/feedback-tracker.mjs   (after `npm run build -w @modelsight/core`)
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { AlwaysOnSampler } from '@opentelemetry/sdk-trace-base';
import { FeedbackTracker, traced } from '@modelsight/core';
import { labels, medians, model, predict, PullReader, tracerWith } from './support.mjs';

const CALLS_PER_ROUND = 50_000;
const ROUNDS = 11;
const STORE_SIZE = 100_000;

const tracer = tracerWith(new AlwaysOnSampler());
const reader = new PullReader();
const meter = new MeterProvider({ readers: [reader] }).getMeter('bench');

const tracker = new FeedbackTracker({ meter, maxEntries: STORE_SIZE });

/** The least any join by ID must do: keep the last STORE_SIZE prediction IDs in a Map. */
function boundedMapOfIds() {
  const byId = new Map();
  const ring = new Array(STORE_SIZE);
  let next = 0;
  return {
    clear() {
      byId.clear();
      ring.fill(undefined);
    },
    onPrediction(record) {
      const oldest = ring[next];
      if (oldest !== undefined) byId.delete(oldest);
      ring[next] = record.predictionId;
      byId.set(record.predictionId, next);
      next = (next + 1) % STORE_SIZE;
    },
  };
}
const idsOnly = boundedMapOfIds();
const scenarios = {
  'traced(), no observer': traced(predict, { model, tracer }),
  'traced(), an empty observer': traced(predict, { model, tracer, observers: [{ onPrediction() {} }] }),
  'traced(), bounded Map of IDs': traced(predict, { model, tracer, observers: [idsOnly] }),
  'traced(), FeedbackTracker': traced(predict, { model, tracer, observers: [tracker] }),
};

// The warm-up round fills the store: every prediction measured evicts one.
const ns = await medians(scenarios, ROUNDS, CALLS_PER_ROUND);
const base = ns['traced(), no observer'];
console.log(
  `FeedbackTracker on the prediction path — median of ${ROUNDS} interleaved rounds of ${CALLS_PER_ROUND} calls, Node ${process.version}`,
);
console.log('scenario'.padEnd(32), 'ns/call'.padStart(9), 'added ns'.padStart(9), 'x traced()'.padStart(11));
for (const [name, value] of Object.entries(ns)) {
  console.log(
    name.padEnd(32),
    value.toFixed(0).padStart(9),
    (value - base).toFixed(0).padStart(9),
    (value / base).toFixed(2).padStart(11),
  );
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

  // Let the batch span processor export what the timing rounds left queued, so that it is not
  // freed in the middle of a measurement.
  await new Promise((resolve) => setTimeout(resolve, 5500));
  idsOnly.clear();
  // Full collections can go on freeing for a while (strings of the timing rounds); start once they stop.
  let before = heap();
  for (let i = 0, now = heap(); i < 20 && now < before; i++, now = heap()) before = now;
  const mapOfIds = new Map();
  for (const id of ids('0123456789ab')) mapOfIds.set(id, true);
  const mapBytes = (heap() - before) / STORE_SIZE;

  const record = {
    model,
    predictionId: '',
    traceId: undefined,
    status: 'ok',
    label: 'setosa',
    confidence: 0.9,
    output: undefined,
    features: undefined,
    durationSeconds: 0,
    endTime: 0,
  };
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
  console.log(
    `  Map of the ID strings alone: ${mapBytes.toFixed(0)} B; FeedbackTracker: ${trackerBytes.toFixed(0)} B (x${(trackerBytes / mapBytes).toFixed(2)})`,
  );
  console.log(
    `  so the default maxEntries (100000) holds about ${((trackerBytes * 100_000) / 1024 / 1024).toFixed(1)} MiB`,
  );

  // One feedback: a Map lookup is the baseline.
  let sink = 0;
  let start = process.hrtime.bigint();
  for (const id of trackerIds) sink += mapOfIds.has(id) ? 1 : 0;
  const lookupNs = Number(process.hrtime.bigint() - start) / STORE_SIZE;
  start = process.hrtime.bigint();
  for (let i = 0; i < STORE_SIZE; i++) sink += memoryTracker.recordFeedback(trackerIds[i], labels[i % 3]).length;
  const feedbackNs = Number(process.hrtime.bigint() - start) / STORE_SIZE;
  console.log(
    `\nrecordFeedback: ${feedbackNs.toFixed(0)} ns (Map lookup: ${lookupNs.toFixed(0)} ns); includes one SDK counter add`,
  );
  start = process.hrtime.bigint();
  await reader.collect();
  console.log(
    `collection of the gauges (window 1000): ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(2)} ms`,
  );
  if (sink < 0) console.log(sink);
}
