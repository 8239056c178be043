import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PinoDestinations } from '../src/logs/flush-pino';

// Created before pino is loaded, as the preload is.
const destinations = new PinoDestinations();
const pino = createRequire(__filename)('pino') as typeof import('pino');
const dir = mkdtempSync(join(tmpdir(), 'modelsight-pino-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(dir, `service-${files++}.log`);

/** A pino logger writing asynchronously to a new file, holding lines until 8 KiB are buffered. */
async function bufferedLogger() {
  const file = newFile();
  const destination = pino.destination({ dest: file, sync: false, minLength: 8192 });
  await new Promise((resolve) => destination.once('ready', resolve));
  const lines = () =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '').length;
  return { logger: pino(destination), lines };
}

describe('PinoDestinations', () => {
  it('writes the lines buffered by an asynchronous pino destination when asked to', async () => {
    const { logger, lines } = await bufferedLogger();
    for (let i = 0; i < 40; i++) logger.info({ i }, 'prediction');
    expect(lines()).toBe(0);

    destinations.flushSync();

    expect(lines()).toBe(40);
  });

  it('writes the lines of child loggers, which share their parent destination', async () => {
    const { logger, lines } = await bufferedLogger();
    logger.child({ model: 'iris-classifier' }).info('prediction');

    destinations.flushSync();

    expect(lines()).toBe(1);
  });

  it('does not throw for a destination that was closed already', async () => {
    const file = newFile();
    const destination = pino.destination({ dest: file, sync: true });
    pino(destination).info('last line');
    destination.destroy();

    expect(() => destinations.flushSync()).not.toThrow();
  });
});
