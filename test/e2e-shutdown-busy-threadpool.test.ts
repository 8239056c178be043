import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { predict, startPreloaded, type ExitStatus, type PreloadedService } from './support/service-process';

// pino's default destination hands each write to libuv's thread pool. In a busy service the pool can be
// taken (DNS lookups, crypto, a slow disk) when SIGTERM arrives: a line whose write has been handed over but
// not yet done is lost if the process ends before the pool gets to it. Here the pool has one thread, which
// the fixture blocks on a FIFO before the predictions are logged; the thread is let go only once the
// service has begun shutting down.
const CJS = resolve(__dirname, 'fixtures/shutdown-service.cjs');
const ESM = resolve(__dirname, 'fixtures/shutdown-service.mjs');
const PREDICTIONS = 5;
const BY_SIGTERM: ExitStatus = { code: null, signal: 'SIGTERM' };

const WAYS = {
  '--require': { script: CJS, preload: 'require', env: {}, exit: BY_SIGTERM },
  '--import': { script: ESM, preload: 'import', env: {}, exit: BY_SIGTERM },
  'start()': { script: CJS, preload: 'none', env: { FIXTURE_START: '1' }, exit: BY_SIGTERM },
  "start(), with the app's own SIGTERM handler awaiting shutdown() before process.exit(0)": {
    script: CJS,
    preload: 'none',
    env: { FIXTURE_START: '1', FIXTURE_SHUTDOWN_ON_SIGTERM: '1' },
    exit: { code: 0, signal: null },
  },
} as const;
type Way = keyof typeof WAYS;

let service: PreloadedService | undefined;
let dir: string | undefined;
afterEach(async () => {
  await service?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  service = dir = undefined;
});

/** Opens the FIFO for writing, which ends the reader's blocked open; nothing to do when no reader is left. */
function release(fifo: string): void {
  try {
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
  }
}

async function waitForLine(file: string, needle: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await readFile(file, 'utf8').catch(() => '')).includes(needle)) {
    if (Date.now() > deadline) throw new Error(`${needle} did not appear in ${file} within ${timeoutMs} ms`);
    await sleep(20);
  }
}

async function loggedPredictionIds(file: string): Promise<unknown[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
  return lines
    .map((line) => (JSON.parse(line) as Record<string, unknown>)['ml.prediction.id'])
    .filter((id) => id !== undefined);
}

/**
 * Starts the fixture the given way with a pool of one thread, blocks that thread, answers a few predictions
 * (their lines wait for the pool), sends SIGTERM and lets the thread go once the shutdown has begun.
 */
async function predictWhilePoolHeldThenTerminate(
  way: Way,
  extraEnv: Record<string, string> = {},
): Promise<{ ids: string[]; exit: ExitStatus; logged: unknown[] }> {
  dir = await mkdtemp(join(tmpdir(), 'modelsight-busy-pool-'));
  const fifo = join(dir, 'hold');
  const logFile = join(dir, 'service.log');
  execFileSync('mkfifo', [fifo]);
  const { script, preload, env } = WAYS[way];
  service = await startPreloaded({
    script,
    preload,
    env: {
      LOG_FILE: logFile,
      UV_THREADPOOL_SIZE: '1',
      FIXTURE_HOLD_THREADPOOL: fifo,
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_LOG_LEVEL: 'info',
      ...env,
      ...extraEnv,
    },
  });
  // The destination is open and idle once the line of the start is in the file.
  await waitForLine(logFile, '"msg":"listening"');
  expect((await fetch(`${service.url}/hold-threadpool`, { method: 'POST' })).status).toBe(202);
  const ids: string[] = [];
  for (let i = 0; i < PREDICTIONS; i += 1) ids.push((await predict(service, { petal_length: 1 + i })).predictionId);
  // The writes wait for the pool: none of the lines is in the file yet.
  expect(await loggedPredictionIds(logFile)).toEqual([]);

  service.kill('SIGTERM');
  await service.waitForOutput('stdout', 'SIGTERM: flushing');
  // Time enough for a shutdown that does not wait for the pool to end the process.
  await Promise.race([service.exited, sleep(300)]);
  release(fifo);

  const exit = await service.exited;
  return { ids, exit, logged: await loggedPredictionIds(logFile) };
}

describe.each(Object.keys(WAYS) as Way[])(
  'SIGTERM while the thread pool holds log writes, telemetry started by %s',
  (way) => {
    it('writes every line logged before the signal, in order, before the process ends', async () => {
      const { ids, exit, logged } = await predictWhilePoolHeldThenTerminate(way);

      expect(exit).toEqual(WAYS[way].exit);
      expect(logged).toEqual(ids);
    });
  },
);

describe('SIGTERM while the thread pool holds the writes of a pino transport', () => {
  it('ends the transport as pino does on exit: its worker writes every line before the process ends by the signal', async () => {
    const { ids, exit, logged } = await predictWhilePoolHeldThenTerminate('--require', { FIXTURE_LOG_TRANSPORT: '1' });

    expect(exit).toEqual(BY_SIGTERM);
    expect(logged).toEqual(ids);
  });
});
