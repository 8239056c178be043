import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exposedSample } from './support/exposition-sample';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { postJson } from './support/post-json';
import { startPreloaded, type PreloadedService } from './support/service-process';

// Under `node --require @modelsight/node/register`, with no modelsight code around the runtimes: models named
// by a models file, warm-up calls at load time left out of the predictions, and a request-level function over
// many runtime calls (a streaming model) counted once.
const SCRIPT = resolve(__dirname, 'fixtures/model-naming-service.cjs');
const SETOSA = [5.1, 3.5, 1.4, 0.2];
const SPAN_KIND_INTERNAL = 1;
const dir = mkdtempSync(join(tmpdir(), 'modelsight-naming-'));
const modelsFile = join(dir, 'models.json');
writeFileSync(
  modelsFile,
  JSON.stringify({
    models: [
      {
        match: { runtime: 'onnxruntime', inputNames: ['float_input'] },
        name: 'iris-onnx',
        version: '3.1.0',
        classes: ['setosa', 'versicolor', 'virginica'],
      },
      {
        match: { runtime: 'tfjs', name: 'model_1' },
        name: 'iris-tf',
        version: '2.0.0',
        classes: ['setosa', 'versicolor', 'virginica'],
      },
    ],
  }),
);

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ok = (exposition: string, labels: Record<string, string>) =>
  exposedSample(exposition, 'ml_predictions_total', { ...labels, ml_prediction_status: 'ok' }) ?? 0;
const post = (service: PreloadedService, path: string, body: unknown) =>
  postJson<{ traceId: string }>(service.url, path, body);
const predictionsOf = (spans: ReceivedSpan[], traceId: string) =>
  spans.filter((span) => span.traceId === traceId && span.kind === SPAN_KIND_INTERNAL);

describe('models named by MODELSIGHT_MODELS_FILE, warm-up left out (the default)', () => {
  let service: PreloadedService;
  let spans: ReceivedSpan[];
  let answers: Record<'onnx' | 'tfjs' | 'stream', { traceId: string }>;

  beforeAll(async () => {
    service = await startPreloaded({
      script: SCRIPT,
      collector: receiver.url,
      env: { MODELSIGHT_MODELS_FILE: modelsFile },
    });
    answers = {
      onnx: await post(service, '/onnx', { rows: [SETOSA] }),
      tfjs: await post(service, '/tfjs', { rows: [SETOSA] }),
      stream: await post(service, '/stream', { frames: [SETOSA, SETOSA, SETOSA, SETOSA, SETOSA] }),
    };
    const traceIds = Object.values(answers).map((answer) => answer.traceId);
    spans = await receiver.waitForSpans((received) =>
      traceIds.every((traceId) => predictionsOf(received, traceId).length > 0),
    );
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
  });

  it('names, versions and labels the ONNX session created from bytes and the tfjs model_1 as the file says', () => {
    const [onnx] = predictionsOf(spans, answers.onnx.traceId);
    const [tfjs] = predictionsOf(spans, answers.tfjs.traceId);
    expect([onnx?.name, onnx?.attributes['ml.model.version'], onnx?.attributes['ml.prediction.label']]).toEqual([
      'predict iris-onnx',
      '3.1.0',
      'setosa',
    ]);
    expect([tfjs?.name, tfjs?.attributes['ml.model.version'], tfjs?.attributes['ml.prediction.label']]).toEqual([
      'predict iris-tf',
      '2.0.0',
      'setosa',
    ]);
  });

  it('makes no prediction of the warm-up calls at load time: no root prediction span, one count per request', async () => {
    const predictions = spans.filter((span) => span.kind === SPAN_KIND_INTERNAL);
    expect(predictions.filter((span) => !span.parentSpanId)).toEqual([]);
    const exposition = await service.scrape();
    expect(ok(exposition, { ml_model_name: 'iris-onnx', ml_model_version: '3.1.0' })).toBe(1);
    expect(ok(exposition, { ml_model_name: 'iris-tf', ml_model_version: '2.0.0' })).toBe(1);
    expect(exposition).not.toMatch(/ml_model_name="(onnx-model|model_1)"/);
  });

  it('counts a traced() request-level function over five runtime calls (a streaming model) as one prediction', async () => {
    const found = predictionsOf(spans, answers.stream.traceId);
    expect(found.map((span) => span.name)).toEqual(['predict iris-stream']);
    const exposition = await service.scrape();
    expect(ok(exposition, { ml_model_name: 'iris-stream', ml_model_version: '1.0.0' })).toBe(1);
    expect(ok(exposition, { ml_model_name: 'iris-onnx', ml_model_version: '3.1.0' })).toBe(1);
  });

  it('writes no warning about the models file', () => {
    expect(service.stderr()).not.toContain('MODELSIGHT_MODELS_FILE');
  });
});

describe('MODELSIGHT_TRACE_ROOT_PREDICTIONS=true, and a models file that cannot be read', () => {
  let service: PreloadedService;
  beforeAll(async () => {
    service = await startPreloaded({
      script: SCRIPT,
      collector: receiver.url,
      env: { MODELSIGHT_TRACE_ROOT_PREDICTIONS: 'true', MODELSIGHT_MODELS_FILE: join(dir, 'missing.json') },
    });
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
  });

  it('traces the warm-up calls as root predictions under the names the runtimes give', async () => {
    const exposition = await service.scrape();
    expect(ok(exposition, { ml_model_name: 'onnx-model', ml_model_version: 'unknown' })).toBe(1);
    expect(ok(exposition, { ml_model_name: 'model_1', ml_model_version: 'unknown' })).toBe(1);
  });

  it('warns once, naming the variable and the path', () => {
    const lines = service
      .stderr()
      .split('\n')
      .filter((line) => line.includes('MODELSIGHT_MODELS_FILE'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`MODELSIGHT_MODELS_FILE=${JSON.stringify(join(dir, 'missing.json'))} is not valid`);
  });
});
