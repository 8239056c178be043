import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver';
import { freePort } from './support/prometheus';
import { startPreloaded, type PreloadedService, type StartPreloadedOptions } from './support/service-process';
import { endUnderLoad, sustainedLoad, type Answer, type SustainedLoad } from './support/sustained-load';

// SIGTERM in the middle of sustained load, to a service that does not handle the signal itself: the
// preload flushes, then the process ends by the signal. The service keeps answering while telemetry is
// flushed; what it answered must be in the traces and the log file all the same.
const CJS = resolve(__dirname, 'fixtures/shutdown-service.cjs');
const ESM = resolve(__dirname, 'fixtures/shutdown-service.mjs');
const CONNECTIONS = 64;
const ANSWERS_BEFORE_SIGNAL = 3000;

const WAYS = {
  '--require': { script: CJS, preload: 'require', env: {} },
  '--import': { script: ESM, preload: 'import', env: {} },
  'start()': { script: CJS, preload: 'none', env: { FIXTURE_START: '1' } },
} as const;
type Way = keyof typeof WAYS;

let service: PreloadedService | undefined;
let receiver: OtlpReceiver | undefined;
let load: SustainedLoad | undefined;
let dir: string | undefined;
afterEach(async () => {
  load?.stop();
  await load?.done;
  await service?.stop();
  await receiver?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  service = receiver = load = dir = undefined;
});

/** Starts the fixture the given way, logging to a file of its own, under load from 64 connections. */
async function startUnderLoad(
  way: Way,
  options: Pick<StartPreloadedOptions, 'collector' | 'env'>,
): Promise<{ logFile: string }> {
  dir = await mkdtemp(join(tmpdir(), 'modelsight-shutdown-'));
  const logFile = join(dir, 'service.log');
  const { script, preload, env } = WAYS[way];
  service = await startPreloaded({
    script,
    preload,
    collector: options.collector,
    env: { LOG_FILE: logFile, ...env, ...options.env },
  });
  load = sustainedLoad({
    url: service.url,
    connections: CONNECTIONS,
    path: () => '/predict',
    body: (i) => ({ features: { petal_length: 1 + (i % 6) } }),
  });
  await load.waitForAnswers(ANSWERS_BEFORE_SIGNAL);
  return { logFile };
}

/** Sends SIGTERM; resolves once the process has ended and the load stopped, with how long the end took. */
const terminate = () => endUnderLoad(service!, load!);

async function loggedPredictionIds(file: string): Promise<Set<unknown>> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
  return new Set(lines.map((line) => (JSON.parse(line) as Record<string, unknown>)['ml.prediction.id']));
}

const predictionIds = (answers: Answer[]) => answers.map((answer) => String(answer.body['predictionId']));

describe.each(Object.keys(WAYS) as Way[])('SIGTERM under sustained load, telemetry started by %s', (way) => {
  it('leaves a span and a pino log line for every answered prediction, also those answered during the flush', async () => {
    receiver = await startOtlpReceiver();
    const { logFile } = await startUnderLoad(way, { collector: receiver.url });

    const { answers, afterSignal, exit } = await terminate();

    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(afterSignal).toBeGreaterThan(0);
    const ids = predictionIds(answers);
    const exported = new Set(receiver.spans().map((span) => span.attributes['ml.prediction.id']));
    const logged = await loggedPredictionIds(logFile);
    expect(ids.filter((id) => !exported.has(id))).toEqual([]);
    expect(ids.filter((id) => !logged.has(id))).toEqual([]);
  });
});

describe('SIGTERM under sustained load with a collector that refuses connections', () => {
  it('ends the process within 1 s of the signal, though exports are retried for 10 s otherwise, and loses no log line', async () => {
    // Nothing listens on the collector's port: each export is refused at once, then retried after a backoff.
    const { logFile } = await startUnderLoad('--require', { collector: `http://127.0.0.1:${await freePort()}` });

    const { answers, exit, ms } = await terminate();

    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(ms).toBeLessThan(1000);
    const logged = await loggedPredictionIds(logFile);
    expect(predictionIds(answers).filter((id) => !logged.has(id))).toEqual([]);
  });
});

describe('SIGTERM under sustained load with a collector that never answers', () => {
  it('ends the process once MODELSIGHT_SHUTDOWN_TIMEOUT_MS is over, says why, and loses no log line', async () => {
    receiver = await startOtlpReceiver({ mode: 'hang' });
    const { logFile } = await startUnderLoad('--require', {
      collector: receiver.url,
      env: {
        MODELSIGHT_SHUTDOWN_TIMEOUT_MS: '1500',
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '600000',
        OTEL_BSP_EXPORT_TIMEOUT: '600000',
      },
    });
    await receiver.waitForRequests('/v1/traces', 1);

    const { answers, exit, ms } = await terminate();

    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(ms).toBeGreaterThanOrEqual(1500);
    expect(ms).toBeLessThan(1500 + 1000);
    expect(service!.stderr()).toContain('flushing took longer than 1500 ms');
    const logged = await loggedPredictionIds(logFile);
    expect(predictionIds(answers).filter((id) => !logged.has(id))).toEqual([]);
  });
});
