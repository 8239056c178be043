import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson } from './support/post-json';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { exposedSample as sample } from './support/exposition-sample';
import { startPreloaded, type PreloadedService, type PreloadMode } from './support/service-process';

// A service using onnxruntime-node, TensorFlow.js and transformers.js with no modelsight code, run under the
// preload: the real OTLP/HTTP exporter sends its spans to a receiver on loopback, and /metrics is scraped.
const SPAN_KIND_INTERNAL = 1;
const SPAN_KIND_SERVER = 2;
const SETOSA = [5.1, 3.5, 1.4, 0.2];
const VIRGINICA = [6.3, 3.3, 6, 2.5];
const VERSICOLOR = [5.9, 3.0, 4.2, 1.5];

const post = <T>(service: PreloadedService, path: string, body: unknown) =>
  postJson<T & { traceId: string }>(service.url, path, body);

describe.each<PreloadMode>(['require', 'import'])(
  'ML runtimes in a service run with node --%s @modelsight/node/register',
  (mode) => {
    let receiver: OtlpReceiver;
    let service: PreloadedService;
    let spans: ReceivedSpan[];
    let onnx: { labels: string[]; probabilities: number[]; traceId: string };
    let onnxBatch: { labels: string[]; traceId: string };
    let tfjs: { probabilities: number[]; traceId: string };
    let text: { result: { label: string; score: number }[]; traceId: string };
    const predictionOf = (traceId: string) =>
      spans.filter((span) => span.traceId === traceId && span.kind === SPAN_KIND_INTERNAL);

    beforeAll(async () => {
      receiver = await startOtlpReceiver();
      service = await startPreloaded({
        script: resolve(
          __dirname,
          'fixtures',
          mode === 'require' ? 'ml-runtimes-service.cjs' : 'ml-runtimes-service.mjs',
        ),
        preload: mode,
        collector: receiver.url,
        env: { OTEL_SERVICE_NAME: 'ml-runtimes', MODELSIGHT_MODEL_VERSION: '7.0.0' },
      });
      onnx = await post(service, '/onnx', { rows: [SETOSA] });
      onnxBatch = await post(service, '/onnx', { rows: [SETOSA, VIRGINICA, VERSICOLOR] });
      tfjs = await post(service, '/tfjs', { rows: [VIRGINICA] });
      text = await post(service, '/transformers', { text: 'the movie was great' });
      const traceIds = [onnx, onnxBatch, tfjs, text].map((answer) => answer.traceId);
      spans = await receiver.waitForSpans((received) =>
        traceIds.every((traceId) =>
          received.some((span) => span.traceId === traceId && span.kind === SPAN_KIND_INTERNAL),
        ),
      );
    });

    afterAll(async () => {
      await service?.stop();
      await receiver?.close();
    });

    it('makes one prediction span per onnxruntime-node run, named after the model file, with label, confidence and input shapes', () => {
      const [span, ...others] = predictionOf(onnx.traceId);
      expect(others).toEqual([]);
      expect(span!.name).toBe('predict iris-onnx');
      expect(span!.scope.name).toBe('@modelsight/instrumentation-onnxruntime');
      expect(span!.attributes).toMatchObject({
        'ml.model.name': 'iris-onnx',
        'ml.model.version': '7.0.0',
        'ml.prediction.label': '0',
        'ml.input.shapes': 'float_input[1,4]',
      });
      expect(span!.attributes['ml.prediction.confidence']).toBeCloseTo(onnx.probabilities[0]!, 6);
      expect(typeof span!.attributes['ml.prediction.id']).toBe('string');
    });

    it('makes a run of three rows one span with ml.batch.size 3', () => {
      expect(onnxBatch.labels).toEqual(['0', '2', '1']);
      const [span] = predictionOf(onnxBatch.traceId);
      expect(span!.attributes['ml.batch.size']).toBe(3);
      expect(span!.attributes['ml.input.shapes']).toEqual('float_input[3,4]');
    });

    it('makes one span per TensorFlow.js Sequential.predict, not two, with the argmax and the max probability', () => {
      const found = predictionOf(tfjs.traceId);
      expect(found.map((span) => span.name)).toEqual(['predict iris-tfjs']);
      const best = Math.max(...tfjs.probabilities);
      expect(found[0]!.attributes['ml.prediction.label']).toBe(String(tfjs.probabilities.indexOf(best)));
      expect(found[0]!.attributes['ml.prediction.confidence']).toBeCloseTo(best, 6);
    });

    it('makes one span per transformers.js pipeline call, none for its ONNX sessions, with its label and score', () => {
      const found = predictionOf(text.traceId);
      expect(found.map((span) => [span.name, span.scope.name])).toEqual([
        ['predict local/sentiment', '@modelsight/instrumentation-transformers'],
      ]);
      expect(found[0]!.attributes['ml.prediction.label']).toBe('POSITIVE');
      expect(found[0]!.attributes['ml.prediction.confidence']).toBe(text.result[0]!.score);
    });

    it('makes each prediction span a child of the HTTP server span of its request', () => {
      for (const answer of [onnx, onnxBatch, tfjs, text]) {
        const [span] = predictionOf(answer.traceId);
        const parent = spans.find((candidate) => candidate.spanId === span!.parentSpanId);
        expect(parent?.kind).toBe(SPAN_KIND_SERVER);
      }
    });

    it('counts every prediction in the prediction metrics on /metrics, per model', async () => {
      const exposition = await service.scrape();
      const ok = (model: string) =>
        sample(exposition, 'ml_predictions_total', {
          ml_model_name: model,
          ml_model_version: '7.0.0',
          ml_prediction_status: 'ok',
        });
      expect(ok('iris-onnx')).toBe(4);
      expect(ok('iris-tfjs')).toBe(1);
      expect(ok('local/sentiment')).toBe(1);
      expect(sample(exposition, 'ml_prediction_confidence_count', { ml_model_name: 'iris-onnx' })).toBe(4);
      expect(sample(exposition, 'ml_prediction_batch_size_count', { ml_model_name: 'iris-onnx' })).toBe(1);
      expect(sample(exposition, 'ml_prediction_duration_seconds_count', { ml_model_name: 'local/sentiment' })).toBe(1);
    });

    it('writes no warning of its own (TensorFlow.js prints its advice to install tfjs-node)', () => {
      const banner = /={10,}\nHi, looks like you are running TensorFlow\.js in Node\.js[\s\S]*?={10,}\n/;
      expect(service.stderr()).toMatch(banner);
      expect(service.stderr().replace(banner, '').trim()).toBe('');
    });
  },
);
