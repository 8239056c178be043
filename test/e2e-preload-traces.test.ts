import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/prometheus';
import { IRIS_ROWS, irisExampleScript } from './support/iris-example';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { predict, startService, type PreloadMode, type ServiceProcess } from './support/service-process';

// The iris example under the preload, exporting with the real OTLP/HTTP exporter to a receiver on loopback
// that decodes the payload per the OTLP/JSON specification.
const PREDICT_SPAN = 'predict iris-classifier';
const SPAN_KIND_INTERNAL = 1;
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;

interface SingleAnswer {
  prediction: string;
  confidence: number;
  predictionId: string;
  traceId: string;
}
interface BatchAnswer {
  predictionId: string;
  traceId: string;
  predictions: { prediction: string; predictionId: string }[];
}

describe.each<PreloadMode>(['require', 'import'])(
  'the iris example run with node --%s @modelsight/node/register',
  (mode) => {
    let receiver: OtlpReceiver;
    let service: ServiceProcess;
    let singles: SingleAnswer[];
    let batch: BatchAnswer;
    let spans: ReceivedSpan[];
    const predictSpans = () => spans.filter((span) => span.name === PREDICT_SPAN);
    const spanOf = (traceId: string) => predictSpans().find((span) => span.traceId === traceId)!;

    beforeAll(async () => {
      receiver = await startOtlpReceiver();
      service = await startService({
        script: irisExampleScript(mode),
        preload: mode,
        port: await freePort(),
        env: {
          MODEL_VERSION: '1.4.0',
          OTEL_SERVICE_NAME: 'iris-service',
          OTEL_RESOURCE_ATTRIBUTES: 'service.version=9.9.9,deployment.environment.name=test',
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_BSP_SCHEDULE_DELAY: '100',
          OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
        },
      });
      singles = [];
      for (const row of IRIS_ROWS) singles.push(await predict<SingleAnswer>(service, row.features));
      batch = await predict<BatchAnswer>(service, {}, '', { instances: IRIS_ROWS.map((row) => row.features) });
      const traceIds = [...singles, batch].map((answer) => answer.traceId);
      // Both spans of every request: the predict span and the HTTP server span it belongs to.
      spans = await receiver.waitForSpans((received) =>
        traceIds.every(
          (traceId) =>
            received.some((span) => span.traceId === traceId && span.name === PREDICT_SPAN) &&
            received.some((span) => span.traceId === traceId && span.kind === SPAN_KIND_SERVER),
        ),
      );
    });

    afterAll(async () => {
      await service?.stop();
      await receiver?.close();
    });

    it('exports one predict span per call, in the trace the service answered with', () => {
      const traceIds = [...singles, batch].map((answer) => answer.traceId);
      expect(
        predictSpans()
          .map((span) => span.traceId)
          .sort(),
      ).toEqual([...traceIds].sort());
    });

    it('puts the model, the confidence, the label and the prediction id on each predict span', () => {
      for (const [index, row] of IRIS_ROWS.entries()) {
        const answer = singles[index]!;
        const span = spanOf(answer.traceId);
        expect(span.kind).toBe(SPAN_KIND_INTERNAL);
        expect(span.scope.name).toBe('@modelsight/core');
        expect(span.attributes).toEqual({
          'ml.model.name': 'iris-classifier',
          'ml.model.version': '1.4.0',
          'ml.prediction.id': answer.predictionId,
          'ml.prediction.label': row.label,
          'ml.prediction.confidence': answer.confidence,
        });
      }
    });

    it('puts ml.batch.size on the span of a batch call', () => {
      expect(spanOf(batch.traceId).attributes).toMatchObject({
        'ml.model.name': 'iris-classifier',
        'ml.model.version': '1.4.0',
        'ml.prediction.id': batch.predictionId,
        'ml.batch.size': IRIS_ROWS.length,
      });
    });

    it('puts each predict span under the HTTP server span of its request', () => {
      const byId = new Map(spans.map((span) => [span.spanId, span]));
      for (const span of predictSpans()) {
        // The nearest SERVER span up the parent chain: a framework instrumentation may put its own spans between.
        let server = byId.get(span.parentSpanId);
        while (server !== undefined && server.kind !== SPAN_KIND_SERVER) server = byId.get(server.parentSpanId);
        expect(server, `server span above ${span.spanId}`).toBeDefined();
        expect(server!.traceId).toBe(span.traceId);
        expect(server!.scope.name).toBe('@opentelemetry/instrumentation-http');
        expect(server!.attributes['url.path']).toBe('/predict');
        // Fastify reports the route, which names the span.
        expect(server!.name).toBe('POST /predict');
        expect(server!.attributes['http.route']).toBe('/predict');
        expect(server!.attributes['http.response.status_code']).toBe(200);
        // Within the server span's time, give or take the drift between the SDK's two clocks (the http
        // instrumentation passes performance-clock start times; other spans are anchored on Date.now()).
        const drift = 5_000_000n;
        expect(span.startTimeUnixNano + drift >= server!.startTimeUnixNano).toBe(true);
        expect(span.endTimeUnixNano <= server!.endTimeUnixNano + drift).toBe(true);
      }
    });

    it('makes two spans a request: the predict span is a child of the server span, no Fastify span between', () => {
      const byId = new Map(spans.map((span) => [span.spanId, span]));
      for (const span of predictSpans()) {
        expect(byId.get(span.parentSpanId)?.kind).toBe(SPAN_KIND_SERVER);
        expect(spans.filter((other) => other.traceId === span.traceId)).toHaveLength(2);
      }
    });

    it('traces neither the health checks nor the exports themselves', () => {
      expect(spans.filter((span) => span.kind === SPAN_KIND_CLIENT)).toEqual([]);
      expect(spans.filter((span) => span.attributes['url.path'] === '/metrics')).toEqual([]);
    });

    it('describes the service in the resource: service.name, the resource variable, the SDK, the process and the host', () => {
      const resource = predictSpans()[0]!.resource;
      expect(resource).toMatchObject({
        'service.name': 'iris-service',
        'service.version': '9.9.9',
        'deployment.environment.name': 'test',
        'telemetry.sdk.language': 'nodejs',
        'process.runtime.name': 'nodejs',
        'process.pid': service.pid,
      });
      expect(typeof resource['host.name']).toBe('string');
    });

    it('writes the trace id of each prediction into its log line, with the id of a span of that trace', () => {
      const answers = [
        ...singles.map((answer) => ({ traceId: answer.traceId, predictionId: answer.predictionId })),
        ...batch.predictions.map((item) => ({ traceId: batch.traceId, predictionId: item.predictionId })),
      ];
      for (const answer of answers) {
        const line = service.logRecords().find((record) => record['ml.prediction.id'] === answer.predictionId);
        expect(line, `log line of ${answer.predictionId}`).toBeDefined();
        expect(line!['trace_id']).toBe(answer.traceId);
        expect(line!['trace_flags']).toBe('01');
        const spanIds = spans.filter((span) => span.traceId === answer.traceId).map((span) => span.spanId);
        expect(spanIds).toContain(line!['span_id']);
      }
    });

    it('writes no warning on a healthy start', () => {
      expect(service.stderr()).toBe('');
    });
  },
);
