// What the benchmarks share: the tracer setup, a pull metric reader, a small real model, and the
// timing loop. Each benchmark compares scenarios measured with these in the same run.
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

// Spans go through the batch processor to an exporter that drops them, as in a service.
const discard = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };

/** A tracer whose spans are sampled by `sampler`, batched, and dropped. */
export const tracerWith = (sampler) =>
  new BasicTracerProvider({ sampler, spanProcessors: [new BatchSpanProcessor(discard)] }).getTracer('bench');

/** A metric reader that collects only when asked. */
export class PullReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

// A small but real model: three-class softmax over four features.
const weights = [
  [0.4, 1.2, -2.1, -0.9],
  [0.3, -1.4, 0.5, -1.1],
  [-0.7, -1.1, 2.2, 2.4],
];
export const labels = ['setosa', 'versicolor', 'virginica'];
export function predict(row) {
  const z = weights.map((w) => w[0] * row[0] + w[1] * row[1] + w[2] * row[2] + w[3] * row[3]);
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e[0] + e[1] + e[2];
  const probabilities = e.map((v) => v / s);
  const k = probabilities.indexOf(Math.max(...probabilities));
  return { label: labels[k], confidence: probabilities[k], probabilities };
}
export const model = { name: 'iris-classifier', version: '1.0.0' };

const rows = Array.from({ length: 256 }, (_, i) => [
  5 + (i % 7) / 10,
  3 + (i % 5) / 10,
  1.5 + (i % 11) / 5,
  0.2 + (i % 13) / 10,
]);
const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));

/** Nanoseconds per call of `fn` over `calls` calls. */
export async function round(fn, calls) {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    sink += fn(rows[i & 255]).confidence;
    // Let the batch processor export now and then, as the event loop would in a service.
    if ((i & 1023) === 1023) await yieldToEventLoop();
  }
  const ns = Number(process.hrtime.bigint() - start) / calls;
  if (sink < 0) console.log(sink);
  return ns;
}

/**
 * Median ns/call of each scenario over `rounds` rounds after one warm-up round each; the rounds are
 * interleaved, so that machine noise hits every scenario alike.
 */
export async function medians(scenarios, rounds, calls) {
  const samples = Object.fromEntries(Object.keys(scenarios).map((name) => [name, []]));
  for (const fn of Object.values(scenarios)) await round(fn, calls);
  for (let r = 0; r < rounds; r++)
    for (const [name, fn] of Object.entries(scenarios)) samples[name].push(await round(fn, calls));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return Object.fromEntries(Object.entries(samples).map(([name, xs]) => [name, median(xs)]));
}
