import { afterEach, beforeEach, expect, test } from 'vitest';
import { flushPendingWrites, type PendingWritesFlush, registerPendingWrites } from '../src/index';
import { captureDiag } from '@modelsight/test-support';

// The registry is process-wide: every test unregisters what it registered.
const diagnostics = captureDiag();
const unregister: Array<() => void> = [];
beforeEach(() => diagnostics.reset());
afterEach(() => {
  for (const remove of unregister.splice(0)) remove();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const register = (name: string, flush: PendingWritesFlush) => {
  const remove = registerPendingWrites(name, flush);
  unregister.push(remove);
  return remove;
};

test('flushPendingWrites runs every registered flush and resolves true once the slowest has finished', async () => {
  const finished: string[] = [];
  register('fast', async () => void finished.push('fast'));
  register('slow', async () => {
    await sleep(30);
    finished.push('slow');
  });

  const inTime = await flushPendingWrites();

  expect(inTime).toBe(true);
  expect(finished.sort()).toEqual(['fast', 'slow']);
});

test('a flush that was unregistered is not run', async () => {
  let runs = 0;
  const remove = register('gone', () => void runs++);
  remove();
  remove();

  await flushPendingWrites();

  expect(runs).toBe(0);
});

test('a flush that throws or rejects is reported once, the others still run, and nothing rejects', async () => {
  let others = 0;
  register('throwing store', () => {
    throw new Error('socket closed');
  });
  register('rejecting store', () => Promise.reject(new RangeError('bad reply')));
  register('working store', () => void others++);

  await expect(flushPendingWrites()).resolves.toBe(true);
  await expect(flushPendingWrites()).resolves.toBe(true);

  expect(others).toBe(2);
  expect(diagnostics.warnings).toEqual([
    '@modelsight/core: throwing store could not write what it holds: Error: socket closed',
    '@modelsight/core: rejecting store could not write what it holds: RangeError: bad reply',
  ]);
});

test('with timeoutMs, a flush that hangs makes it resolve false in time, naming what did not finish', async () => {
  register('hanging store', () => new Promise(() => {}));
  register('working store', async () => {});

  const started = performance.now();
  const inTime = await flushPendingWrites({ timeoutMs: 50 });

  expect(inTime).toBe(false);
  expect(performance.now() - started).toBeLessThan(1000);
  expect(diagnostics.warnings).toEqual([
    '@modelsight/core: hanging store did not finish writing within 50 ms; what it still holds may be lost',
  ]);
});

test('a flush may unregister itself while it runs, as a store that closes does', async () => {
  let runs = 0;
  const remove = register('closing store', () => {
    runs++;
    remove();
  });

  await flushPendingWrites();
  await flushPendingWrites();

  expect(runs).toBe(1);
});

test('with nothing registered it resolves true at once', async () => {
  await expect(flushPendingWrites({ timeoutMs: 0 })).resolves.toBe(true);
});

test('an invalid timeoutMs or registration throws a TypeError naming it', () => {
  expect(() => flushPendingWrites({ timeoutMs: -1 })).toThrow(/option timeoutMs must be a number >= 0; got -1/);
  expect(() => flushPendingWrites({ timeoutMs: Number.NaN })).toThrow(/timeoutMs/);
  expect(() => registerPendingWrites('x', 'flush' as never)).toThrow(/flush must be a function; got string/);
  expect(() => registerPendingWrites(42 as never, () => {})).toThrow(/name must be a string; got number/);
});
