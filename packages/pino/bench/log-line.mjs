// Cost of trace correlation on a pino line, and of a prediction line per prediction, against
// plain pino and a bare traced() call measured in the same run.
// Run: npm run bench -w @modelsight/pino   (run `npm run build` first)
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { traced } from '@modelsight/core';
import { createLogger, predictionLogger } from '@modelsight/pino';
import { pino } from 'pino';

const LINES_PER_ROUND = 20_000;
const ROUNDS = 11;

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const discard = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
const tracer = new BasicTracerProvider({
  sampler: new AlwaysOnSampler(),
  spanProcessors: [new BatchSpanProcessor(discard)],
}).getTracer('bench');

// pino serializes each line in full; the sink drops it, so the figures are the logging work alone.
const sink = { write() {} };
const plain = pino({}, sink);
// What @opentelemetry/instrumentation-pino's mixin does, written out: the usual baseline.
const handMixin = pino(
  {
    mixin() {
      const span = trace.getSpan(context.active());
      if (!span) return {};
      const sc = span.spanContext();
      if (!isSpanContextValid(sc)) return {};
      return { trace_id: sc.traceId, span_id: sc.spanId, trace_flags: `0${sc.traceFlags.toString(16)}` };
    },
  },
  sink,
);
const correlated = createLogger({}, sink);

const model = { name: 'iris-classifier', version: '1.0.0' };
const predict = (row) => ({ label: row[0] > 5 ? 'virginica' : 'setosa', confidence: 0.9 });
const bare = traced(predict, { model, tracer });
const withLogger = (sampleRate) =>
  traced(predict, {
    model,
    tracer,
    features: (row) => ({ a: row[0] }),
    observers: [predictionLogger({ logger: correlated, sampleRate })],
  });
const logged = withLogger(1);
const sampledTenth = withLogger(0.1);
const insidePrediction = traced((row) => (correlated.info({ row: row[0] }, 'scored'), predict(row)), { model, tracer });

const inSpan = (fn) => () =>
  tracer.startActiveSpan('request', (span) => {
    fn();
    span.end();
  });

const scenarios = {
  'pino, no correlation (in a span)': inSpan(() => {
    for (let i = 0; i < LINES_PER_ROUND; i++) plain.info({ i }, 'scored');
  }),
  'pino + hand-written trace mixin (in a span)': inSpan(() => {
    for (let i = 0; i < LINES_PER_ROUND; i++) handMixin.info({ i }, 'scored');
  }),
  'createLogger, outside any span': () => {
    for (let i = 0; i < LINES_PER_ROUND; i++) correlated.info({ i }, 'scored');
  },
  'createLogger (in a span)': inSpan(() => {
    for (let i = 0; i < LINES_PER_ROUND; i++) correlated.info({ i }, 'scored');
  }),
  'traced() call, no observer': () => {
    for (let i = 0; i < LINES_PER_ROUND; i++) bare([i % 8, 1, 1, 1]);
  },
  'traced() call + one createLogger line inside it': () => {
    for (let i = 0; i < LINES_PER_ROUND; i++) insidePrediction([i % 8, 1, 1, 1]);
  },
  'traced() call + predictionLogger, sampleRate 1': () => {
    for (let i = 0; i < LINES_PER_ROUND; i++) logged([i % 8, 1, 1, 1]);
  },
  'traced() call + predictionLogger, sampleRate 0.1': () => {
    for (let i = 0; i < LINES_PER_ROUND; i++) sampledTenth([i % 8, 1, 1, 1]);
  },
};

const times = Object.fromEntries(Object.keys(scenarios).map((name) => [name, []]));
for (const fn of Object.values(scenarios)) fn(); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of Object.entries(scenarios)) {
    const start = process.hrtime.bigint();
    fn();
    times[name].push(Number(process.hrtime.bigint() - start) / LINES_PER_ROUND);
  }
}
const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ns = Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)]));
const pinoBase = ns['pino, no correlation (in a span)'];
const tracedBase = ns['traced() call, no observer'];
console.log(`node ${process.version}, ${LINES_PER_ROUND} calls x ${ROUNDS} rounds, median ns per call`);
for (const [name, value] of Object.entries(ns)) {
  const base = name.startsWith('traced()') ? tracedBase : pinoBase;
  const against = name.startsWith('traced()') ? 'bare traced()' : 'plain pino';
  console.log(`${name.padEnd(52)} ${value.toFixed(0).padStart(6)} ns  x${(value / base).toFixed(2)} vs ${against}`);
}
