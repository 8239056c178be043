// Cost of a traced prediction against a bare call and a hand-written OpenTelemetry span, in one run.
// Run: npm run bench -w @modelsight/core   (builds nothing; run `npm run build` first)
import { metrics, SpanKind } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { AlwaysOnSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { predictionMetricProducer, traced } from '@modelsight/core';
import { medians, model, predict, PullReader, tracerWith } from './support.mjs';

const CALLS_PER_ROUND = 50_000;
const ROUNDS = 15;

const sampled = tracerWith(new AlwaysOnSampler());
const unsampled = tracerWith(new TraceIdRatioBasedSampler(0));

const reader = new PullReader({ metricProducers: [predictionMetricProducer()] });
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
const meter = metrics.getMeter('bench');

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

const ns = await medians(scenarios, ROUNDS, CALLS_PER_ROUND);
await reader.collect();
const span = ns['hand-written span'];
const bare = ns['bare call'];

console.log(
  `traced() overhead — median of ${ROUNDS} interleaved rounds of ${CALLS_PER_ROUND} calls, Node ${process.version}`,
);
console.log('scenario'.padEnd(44), 'ns/call'.padStart(9), 'added ns'.padStart(9), 'x hand-written span'.padStart(20));
for (const [name, value] of Object.entries(ns)) {
  console.log(
    name.padEnd(44),
    value.toFixed(0).padStart(9),
    (value - bare).toFixed(0).padStart(9),
    (value / span).toFixed(2).padStart(20),
  );
}
const tracedRatio = ns['traced() (span + metrics)'] / span;
const unsampledRatio = ns['traced(), span not sampled'] / span;
console.log(`\ntraced() / hand-written span: ${tracedRatio.toFixed(2)} (target <= 1.30)`);
console.log(`traced() not sampled / hand-written sampled span: ${unsampledRatio.toFixed(2)} (target <= 0.30)`);
const floor = ns['hand-written span, not sampled'] / span;
console.log(`  floor: the SDK's own non-recording span (IDs + sampler) / sampled span: ${floor.toFixed(2)}`);
console.log(
  `  traced() not sampled / hand-written not sampled: ${(ns['traced(), span not sampled'] / ns['hand-written span, not sampled']).toFixed(2)}`,
);
