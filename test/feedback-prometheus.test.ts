import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FeedbackTracker, type PredictionRecord } from '@modelsight/core';
import { freePort, startPrometheus, type PrometheusServer } from './support/prometheus';

// Two replicas of one service, each with its own MeterProvider, tracker and real /metrics
// endpoint, scraped by the real Prometheus. Each replica only sees part of the feedback, so its
// own ml_model_accuracy is not the fleet's; the counters summed across replicas are.

interface Replica {
  provider: MeterProvider;
  tracker: FeedbackTracker;
  port: number;
}

const model = (version: string) => ({ name: 'churn', version });
let counter = 0;
const record = (version: string, label: string, confidence: number): PredictionRecord => ({
  model: model(version),
  predictionId: `p-${++counter}`,
  traceId: counter.toString(16).padStart(32, 'a'),
  spanId: undefined,
  status: 'ok',
  label,
  confidence,
  output: { label, confidence },
  features: undefined,
  durationSeconds: 0.002,
  endTime: Date.now(),
  task: undefined,
});

/** Feeds `total` predictions of a version, `correct` of them confirmed by their feedback. */
function feed(replica: Replica, version: string, total: number, correct: number): void {
  for (let i = 0; i < total; i++) {
    const prediction = record(version, 'stays', 0.7);
    replica.tracker.onPrediction(prediction);
    replica.tracker.recordFeedback(prediction.predictionId, i < correct ? 'stays' : 'leaves');
  }
}

async function startReplica(): Promise<Replica> {
  const port = await freePort();
  const exporter = new PrometheusExporter({ host: '127.0.0.1', port });
  const provider = new MeterProvider({ readers: [exporter] });
  const tracker = new FeedbackTracker({ meter: provider.getMeter('@modelsight/core') });
  return { provider, tracker, port };
}

let replicas: Replica[] = [];
let prometheus: PrometheusServer;

beforeAll(async () => {
  replicas = [await startReplica(), await startReplica()];
  const [a, b] = replicas as [Replica, Replica];
  feed(a, '1.0', 10, 9); // replica a: 0.9
  feed(b, '1.0', 30, 15); // replica b: 0.5; the fleet: 24 / 40 = 0.6, not the mean 0.7
  feed(b, '2.0', 4, 1); // only replica b runs version 2.0: 0.25
  // Feedback that must not count in the accuracy.
  a.tracker.recordFeedback('never-seen', 'stays');
  const answered = record('1.0', 'stays', 0.7);
  b.tracker.onPrediction(answered);
  b.tracker.recordFeedback(answered.predictionId, 'stays');
  b.tracker.recordFeedback(answered.predictionId, 'leaves');
  prometheus = await startPrometheus({ targets: replicas.map((r) => `127.0.0.1:${r.port}`) });
});

afterAll(async () => {
  await prometheus?.stop();
  for (const replica of replicas) await replica.provider.shutdown();
});

const FLEET_ACCURACY =
  'sum by (ml_model_version) (ml_feedback_total{ml_feedback_outcome="correct"})' +
  ' / sum by (ml_model_version) (ml_feedback_total{ml_feedback_outcome=~"correct|incorrect"})';

test('the fleet-wide accuracy query over two replicas equals the accuracy over the union of their feedback', async () => {
  const samples = await prometheus.waitFor(
    FLEET_ACCURACY,
    (answer) =>
      answer.length === 2 &&
      answer.every(
        (s) => Math.abs(Number(s.value[1]) - (s.metric.ml_model_version === '1.0' ? 25 / 41 : 1 / 4)) < 1e-12,
      ),
  );
  const byVersion = Object.fromEntries(samples.map((s) => [s.metric.ml_model_version, Number(s.value[1])]));
  // Version 1.0: 9 + 15 correct, plus the one answered prediction of replica b = 25 of 41.
  expect(byVersion['1.0']).toBeCloseTo(25 / 41, 12);
  expect(byVersion['2.0']).toBeCloseTo(1 / 4, 12);
});

test('each replica reports its own windowed accuracy, which differs from the fleet-wide one', async () => {
  const samples = await prometheus.waitFor(
    'ml_model_accuracy{ml_model_version="1.0"}',
    (answer) => answer.length === 2,
  );
  const values = samples.map((s) => Number(s.value[1])).sort();
  expect(values[0]).toBeCloseTo(16 / 31, 12);
  expect(values[1]).toBeCloseTo(0.9, 12);
});

test('unmatched and duplicate feedback are scraped with their outcome and stay out of the accuracy', async () => {
  const unmatched = await prometheus.waitFor('sum(ml_feedback_total{ml_feedback_outcome="unmatched"})');
  const duplicate = await prometheus.waitFor('sum(ml_feedback_total{ml_feedback_outcome="duplicate"})');
  expect(Number(unmatched[0]!.value[1])).toBe(1);
  expect(Number(duplicate[0]!.value[1])).toBe(1);
});

test('per-class quality gauges reach Prometheus, with NaN where a class was never predicted', async () => {
  const samples = await prometheus.waitFor(
    'ml_model_precision{ml_model_version="2.0"}',
    (answer) => answer.length === 3,
  );
  const byLabel = Object.fromEntries(samples.map((s) => [s.metric.ml_prediction_label, s.value[1]]));
  expect(byLabel).toEqual({ stays: '0.25', leaves: 'NaN', macro: '0.25' });
});

test('the estimated accuracy of each replica is its mean confidence', async () => {
  const samples = await prometheus.waitFor('ml_model_estimated_accuracy', (answer) => answer.length === 3);
  for (const sample of samples) expect(Number(sample.value[1])).toBeCloseTo(0.7, 12);
});
