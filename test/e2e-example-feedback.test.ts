import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IRIS_ROWS, irisExampleScript } from './support/iris-example';
import { freePort, startPrometheus, type PrometheusServer } from './support/prometheus';
import { predict, startService, type ServiceProcess } from './support/service-process';

// The iris example under the preload: late labels on POST /feedback become ml_feedback_total and
// ml_model_accuracy, read by the real Prometheus; bad feedback is answered 4xx and counted.
const post = async (service: ServiceProcess, body: string) => {
  const response = await fetch(`${service.url}/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('feedback on the example service', () => {
  let service: ServiceProcess;
  let prometheus: PrometheusServer;
  const answers: { status: number; body: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    const metricsPort = await freePort();
    service = await startService({
      script: irisExampleScript('require'),
      preload: 'require',
      port: await freePort(),
      env: {
        MODEL_VERSION: '3.1.0',
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      },
    });
    prometheus = await startPrometheus({ targets: [`127.0.0.1:${metricsPort}`] });
    // Three right labels and one wrong one: accuracy 3/4.
    const ids: string[] = [];
    for (const row of IRIS_ROWS) ids.push((await predict(service, row.features)).predictionId);
    ids.push((await predict(service, IRIS_ROWS[0].features)).predictionId);
    for (const [i, row] of IRIS_ROWS.entries())
      answers.push(await post(service, JSON.stringify({ predictionId: ids[i], label: row.label })));
    answers.push(await post(service, JSON.stringify({ predictionId: ids[3], label: 'virginica' })));
    answers.push(await post(service, JSON.stringify({ predictionId: ids[0], label: 'setosa' })));
    answers.push(await post(service, JSON.stringify({ predictionId: 'no-such-prediction', label: 'setosa' })));
    answers.push(await post(service, JSON.stringify({ predictionId: ids[1], label: { class: 'setosa' } })));
    answers.push(await post(service, '{"predictionId": '));
    answers.push(await post(service, '["setosa"]'));
  });

  afterAll(async () => {
    await prometheus?.stop();
    await service?.stop();
  });

  it('answers each feedback with its outcome and a status that says whether it was used', () => {
    expect(answers.map((a) => [a.status, a.body.outcome ?? a.body.error])).toEqual([
      [200, 'correct'],
      [200, 'correct'],
      [200, 'correct'],
      [200, 'incorrect'],
      [409, 'duplicate'],
      [404, 'unmatched'],
      [400, 'invalid'],
      [400, 'invalid_json'],
      [400, 'invalid_shape'],
    ]);
    expect(String(answers[6]!.body.message)).toContain('predictionId');
  });

  it('counts every feedback by outcome in ml_feedback_total', async () => {
    const samples = await prometheus.waitFor('ml_feedback_total{ml_model_version="3.1.0"}', (s) => s.length >= 5);
    const byOutcome = Object.fromEntries(samples.map((s) => [s.metric['ml_feedback_outcome'], Number(s.value[1])]));
    expect(byOutcome).toMatchObject({ correct: 3, incorrect: 1, duplicate: 1, unmatched: 1, invalid: 1 });
  });

  it('exports the windowed accuracy, and the fleet-wide accuracy query gives the same', async () => {
    const [accuracy] = await prometheus.waitFor('ml_model_accuracy{ml_model_version="3.1.0"}');
    expect(Number(accuracy!.value[1])).toBeCloseTo(0.75, 12);
    const [fleet] = await prometheus.query(
      'sum by (ml_model_version) (ml_feedback_total{ml_feedback_outcome="correct"}) / sum by (ml_model_version) (ml_feedback_total{ml_feedback_outcome=~"correct|incorrect"})',
    );
    expect(Number(fleet!.value[1])).toBeCloseTo(0.75, 12);
  });

  it('counts the malformed bodies as rejected requests of the feedback route', async () => {
    const samples = await prometheus.waitFor(
      'http_rejected_requests_total{http_route="/feedback"}',
      (s) => s.length >= 2,
    );
    const byReason = Object.fromEntries(samples.map((s) => [s.metric['reason'], Number(s.value[1])]));
    expect(byReason).toEqual({ invalid_json: 1, invalid_shape: 1 });
  });

  it('watches the inputs and predictions for drift', async () => {
    const samples = await prometheus.waitFor('ml_drift_window_samples{ml_model_version="3.1.0"}', (s) => s.length >= 6);
    const features = samples.map((s) => s.metric['ml_feature_name']).sort();
    expect(features).toEqual([
      'petal_length',
      'petal_width',
      'prediction.confidence',
      'prediction.label',
      'sepal_length',
      'sepal_width',
    ]);
    expect(samples.every((s) => Number(s.value[1]) === 4)).toBe(true);
  });
});
