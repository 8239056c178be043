import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/prometheus';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { predict, startService, type PreloadMode, type ServiceProcess } from './support/service-process';

// The service under the preload, exporting with the real OTLP/HTTP exporter to a receiver on loopback.
const SCRIPTS: Record<PreloadMode, string> = {
  require: resolve(__dirname, 'fixtures/preload-service.cjs'),
  import: resolve(__dirname, 'fixtures/preload-service.mjs'),
};
const SPAN_KIND_INTERNAL = 1;
const SPAN_KIND_SERVER = 2;
const REQUESTS = [
  { features: { petal_length: 1.4 }, query: '', label: 'setosa', confidence: 0.97, version: '1.4.0' },
  { features: { petal_length: 4.1 }, query: '', label: 'versicolor', confidence: 0.81, version: '1.4.0' },
  { features: { petal_length: 5.6 }, query: '?version=canary', label: 'virginica', confidence: 0.74, version: '2.0.0-canary' },
];

describe.each<PreloadMode>(['require', 'import'])('a service run with node --%s @modelsight/node/register', (mode) => {
  let receiver: OtlpReceiver;
  let service: ServiceProcess;
  let answers: Awaited<ReturnType<typeof predict>>[];
  let spans: ReceivedSpan[];
  const predictSpans = () => spans.filter((span) => span.name === 'predict iris-classifier');

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    service = await startService({
      script: SCRIPTS[mode],
      preload: mode,
      port: await freePort(),
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
        OTEL_RESOURCE_ATTRIBUTES: 'service.version=9.9.9,deployment.environment.name=test',
      },
    });
    answers = [];
    for (const request of REQUESTS) answers.push(await predict(service, request.features, request.query));
    spans = await receiver.waitForSpans(
      (received) =>
        received.filter((span) => span.name === 'predict iris-classifier').length >= REQUESTS.length &&
        received.filter((span) => span.kind === SPAN_KIND_SERVER && span.attributes['http.route'] !== undefined || span.kind === SPAN_KIND_SERVER).length >= REQUESTS.length,
    );
  });

  afterAll(async () => {
    await service?.stop();
    await receiver?.close();
  });

  it('exports one predict span per prediction over OTLP/HTTP', () => {
    expect(predictSpans().map((span) => span.traceId).sort()).toEqual(answers.map((answer) => answer.traceId).sort());
  });

  it('puts the model, the confidence, the label and the prediction id on each predict span', () => {
    for (const [index, request] of REQUESTS.entries()) {
      const span = predictSpans().find((candidate) => candidate.traceId === answers[index]!.traceId)!;
      expect(span.kind).toBe(SPAN_KIND_INTERNAL);
      expect(span.attributes).toMatchObject({
        'ml.model.name': 'iris-classifier',
        'ml.model.version': request.version,
        'ml.prediction.label': request.label,
        'ml.prediction.confidence': request.confidence,
        'ml.prediction.id': answers[index]!.predictionId,
      });
    }
  });

  it('makes each predict span a child of the HTTP server span of its request', () => {
    for (const span of predictSpans()) {
      const parent = spans.find((candidate) => candidate.spanId === span.parentSpanId);
      expect(parent, `parent of ${span.spanId}`).toBeDefined();
      expect(parent!.kind).toBe(SPAN_KIND_SERVER);
      expect(parent!.traceId).toBe(span.traceId);
      expect(parent!.name).toMatch(/^POST/);
      expect(parent!.scope.name).toBe('@opentelemetry/instrumentation-http');
    }
  });

  it('does not trace the Prometheus scrapes or the exports themselves', () => {
    const serverSpans = spans.filter((span) => span.kind === SPAN_KIND_SERVER);
    expect(serverSpans.every((span) => span.name.startsWith('POST') || span.name.startsWith('GET'))).toBe(true);
    expect(spans.filter((span) => span.kind === 3 /* client */)).toEqual([]);
  });

  it('describes the service in the resource: service.name, the resource variable, the SDK, the process and the host', () => {
    const resource = predictSpans()[0]!.resource;
    expect(resource).toMatchObject({
      'service.name': 'preload-fixture',
      'service.version': '9.9.9',
      'deployment.environment.name': 'test',
      'telemetry.sdk.language': 'nodejs',
      'process.runtime.name': 'nodejs',
    });
    expect(resource['process.pid']).toBe(service.pid);
    expect(typeof resource['host.name']).toBe('string');
  });

  it('writes the trace and span ids of the predict span into the log lines written during the prediction', () => {
    const logs = service.logRecords().filter((record) => record['msg'] === 'classifying');
    expect(logs).toHaveLength(REQUESTS.length);
    for (const log of logs) {
      const span = predictSpans().find((candidate) => candidate.traceId === log['trace_id']);
      expect(span, `predict span for log ${JSON.stringify(log)}`).toBeDefined();
      expect(log['span_id']).toBe(span!.spanId);
      expect(log['trace_flags']).toBe('01');
    }
  });

  it('writes the trace id of the request into the log line written after the prediction', () => {
    const logs = service.logRecords().filter((record) => record['msg'] === 'prediction served');
    expect(logs).toHaveLength(REQUESTS.length);
    for (const log of logs) {
      const span = predictSpans().find((candidate) => candidate.attributes['ml.prediction.id'] === log['prediction_id'])!;
      expect(log['trace_id']).toBe(span.traceId);
      expect(log['span_id']).toBe(span.parentSpanId);
    }
  });

  it('writes no warning on a healthy start', () => {
    expect(service.stderr()).toBe('');
  });
});
