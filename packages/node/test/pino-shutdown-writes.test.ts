import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PinoDestinations } from '../src/logs/flush-pino';

// Created before pino is loaded, as the preload is. beginShutdown() changes the destinations remembered
// so far: each test calls it for its own.
const destinations = new PinoDestinations();
const pino = createRequire(__filename)('pino') as typeof import('pino');
const dir = mkdtempSync(join(tmpdir(), 'modelsight-pino-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function logFile() {
  const file = join(dir, `service-${files++}.log`);
  const messages = () =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
  return { file, messages };
}

async function asyncDestination(file: string) {
  const destination = pino.destination({ dest: file, sync: false });
  await new Promise((resolve) => destination.once('ready', resolve));
  return destination;
}

/** A destination whose write never completes, as one stuck behind a thread pool that stays busy. */
async function stuckDestination() {
  const destination = await asyncDestination(logFile().file);
  pino(destination);
  Object.assign(destination, { _writing: true });
  return { unstick: () => Object.assign(destination, { _writing: false }) };
}

describe('PinoDestinations at shutdown', () => {
  const warnings: string[] = [];
  afterEach(() => {
    diag.disable();
    warnings.length = 0;
  });

  it('makes an asynchronous destination write each line before the log call returns once shutdown begins', async () => {
    const { file, messages } = logFile();
    const logger = pino(await asyncDestination(file));

    destinations.beginShutdown();
    logger.info('answered during the flush');

    expect(messages()).toEqual(['answered during the flush']);
  });

  it('makes the destinations inside a multistream write synchronously too', async () => {
    const first = logFile();
    const second = logFile();
    const logger = pino(
      {},
      pino.multistream([
        { stream: await asyncDestination(first.file) },
        { stream: await asyncDestination(second.file) },
      ]),
    );

    destinations.beginShutdown();
    logger.info('answered during the flush');

    expect([first.messages(), second.messages()]).toEqual([
      ['answered during the flush'],
      ['answered during the flush'],
    ]);
  });

  it('waits for a write already handed to the thread pool, and the lines behind it follow in order', async () => {
    const { file, messages } = logFile();
    const destination = await asyncDestination(file);
    const logger = pino(destination);
    logger.info('first');
    logger.info('second');
    expect(destination).toHaveProperty('_writing', true);

    destinations.beginShutdown();
    logger.info('third');
    await destinations.writesDone(Date.now() + 5000);

    expect(destination).toHaveProperty('_writing', false);
    expect(messages()).toEqual(['first', 'second', 'third']);
  });

  it('ends a transport with its worker having written every line, before returning', async () => {
    const { file, messages } = logFile();
    const transport = pino.transport({ target: 'pino/file', options: { destination: file } });
    await new Promise((resolve) => transport.once('ready', resolve));
    const logger = pino(transport);
    for (const msg of ['first', 'second', 'third']) logger.info(msg);

    destinations.endTransportsSync();

    expect(messages()).toEqual(['first', 'second', 'third']);
  });

  it('stops waiting at the deadline', async () => {
    const { unstick } = await stuckDestination();
    const started = Date.now();

    await destinations.writesDone(started + 50);

    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(Date.now() - started).toBeLessThan(1000);
    unstick();
  });

  it('warns at the final flush that the lines of a write still in the thread pool may be lost', async () => {
    const ignore = () => undefined;
    const logger: DiagLogger = {
      error: ignore,
      warn: (message) => warnings.push(message),
      info: ignore,
      debug: ignore,
      verbose: ignore,
    };
    diag.setLogger(logger, DiagLogLevel.WARN);
    const { unstick } = await stuckDestination();

    destinations.flushSync();

    expect(warnings).toEqual([
      expect.stringContaining(
        "a pino destination's write was still waiting for libuv's thread pool at the end of the shutdown",
      ),
    ]);
    unstick();
  });
});
