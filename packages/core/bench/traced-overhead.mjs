// Cost of a traced prediction against a bare call and a hand-written OpenTelemetry span, in one run.
// Run: npm run bench -w @modelsight/core   (builds nothing; run `npm run build` first)
import { context, metrics, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { predictionMetricProducer, traced } from '@modelsight/core';

const CALLS_PER_ROUND = 50_000;
const ROUNDS = 15;

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
// Spans go through the batch processor to an exporter that drops them, as in a service.
const discard = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
const tracerWith = (sampler) =>
  new BasicTracerProvider({ sampler, spanProcessors: [new BatchSpanProcessor(discard)] }).getTracer('bench');
const sampled = tracerWith(new AlwaysOnSampler());
const unsampled = tracerWith(new TraceIdRatioBasedSampler(0));

class PullReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}
const reader = new PullReader({ metricProducers: [predictionMetricProducer()] });
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
const meter = metrics.getMeter('bench');

// A small but real model: three-class softmax over four features.
const weights = [
  [0.4, 1.2, -2.1, -0.9],
  [0.3, -1.4, 0.5, -1.1],
  [-0.7, -1.1, 2.2, 2.4],
];
const labels = ['setosa', 'versicolor', 'virginica'];
function predict(row) {
  const z = weights.map((w) => w[0] * row[0] + w[1] * row[1] + w[2] * row[2] + w[3] * row[3]);
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e[0] + e[1] + e[2];
  const probabilities = e.map((v) => v / s);
  const k = probabilities.indexOf(Math.max(...probabilities));
  return { label: labels[k], confidence: probabilities[k], probabilities };
}

const model = { name: 'iris-classifier', version: '1.0.0' };
const base = { 'ml.model.name': model.name, 'ml.model.version': model.version };
let id = 0;
function handWritten(tracer) {
  return (row) =>
    tracer.startActiveSpan('predict iris-classifier', { kind: SpanKind.INTERNAL, attributes: base }, (span) => {
      const result = predict(row);
      span.setAttribute('ml.prediction.id', String(++id));
      span.setAttribute('ml.prediction.confidence', result.confidence);
      span.setAttribute('ml.prediction.label', result.label);
      span.end();
      return result;
    });
}
// What a hand-rolled integration typically adds: the metrics recorded through the SDK on every call.
const counter = meter.createCounter('naive_predictions');
const duration = meter.createHistogram('naive_duration', { unit: 's' });
const confidenceHistogram = meter.createHistogram('naive_confidence');
const active = meter.createUpDownCounter('naive_active');
const okAttributes = { ...base, 'ml.prediction.status': 'ok' };
function handWrittenWithNaiveMetrics(tracer) {
  const spanOnly = handWritten(tracer);
  return (row) => {
    active.add(1, base);
    const start = performance.now();
    const result = spanOnly(row);
    duration.record((performance.now() - start) / 1000, base);
    confidenceHistogram.record(result.confidence, base);
    counter.add(1, okAttributes);
    active.add(-1, base);
    return result;
  };
}

const scenarios = {
  'bare call': predict,
  'hand-written span': handWritten(sampled),
  'hand-written span + 5 SDK metric records': handWrittenWithNaiveMetrics(sampled),
  'traced() (span + metrics)': traced(predict, { model, tracer: sampled }),
  'hand-written span, not sampled': handWritten(unsampled),
  'traced(), span not sampled': traced(predict, { model, tracer: unsampled }),
};

const rows = Array.from({ length: 256 }, (_, i) => [5 + (i % 7) / 10, 3 + (i % 5) / 10, 1.5 + (i % 11) / 5, 0.2 + (i % 13) / 10]);
const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));
async function round(fn) {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS_PER_ROUND; i++) {
    sink += fn(rows[i & 255]).confidence;
    // Let the batch processor export now and then, as the event loop would in a service.
    if ((i & 1023) === 1023) await yieldToEventLoop();
  }
  const ns = Number(process.hrtime.bigint() - start) / CALLS_PER_ROUND;
  if (sink < 0) console.log(sink);
  return ns;
}

const samples = Object.fromEntries(Object.keys(scenarios).map((name) => [name, []]));
for (const name of Object.keys(scenarios)) await round(scenarios[name]); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  // Interleaved rounds, so that machine noise hits every scenario alike.
  for (const [name, fn] of Object.entries(scenarios)) samples[name].push(await round(fn));
}
await reader.collect();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ns = Object.fromEntries(Object.entries(samples).map(([name, xs]) => [name, median(xs)]));
const span = ns['hand-written span'];
const bare = ns['bare call'];

console.log(`traced() overhead — median of ${ROUNDS} interleaved rounds of ${CALLS_PER_ROUND} calls, Node ${process.version}`);
console.log('scenario'.padEnd(44), 'ns/call'.padStart(9), 'added ns'.padStart(9), 'x hand-written span'.padStart(20));
for (const [name, value] of Object.entries(ns)) {
  console.log(name.padEnd(44), value.toFixed(0).padStart(9), (value - bare).toFixed(0).padStart(9), (value / span).toFixed(2).padStart(20));
}
const tracedRatio = ns['traced() (span + metrics)'] / span;
const unsampledRatio = ns['traced(), span not sampled'] / span;
console.log(`\ntraced() / hand-written span: ${tracedRatio.toFixed(2)} (target <= 1.30)`);
console.log(`traced() not sampled / hand-written sampled span: ${unsampledRatio.toFixed(2)} (target <= 0.30)`);
const floor = ns['hand-written span, not sampled'] / span;
console.log(`  floor: the SDK's own non-recording span (IDs + sampler) / sampled span: ${floor.toFixed(2)}`);
console.log(`  traced() not sampled / hand-written not sampled: ${(ns['traced(), span not sampled'] / ns['hand-written span, not sampled']).toFixed(2)}`);
