import { describe, expect, it } from 'vitest';
import { shutdownSequence } from '../src/shutdown/shutdown-sequence';

describe('shutdownSequence', () => {
  it('begins, stops, then writes synchronously, all with one deadline', async () => {
    const calls: string[] = [];
    const deadlines: number[] = [];
    const sequence = shutdownSequence(
      {
        begin: (deadline) => (calls.push('begin'), deadlines.push(deadline)),
        stop: async () => void calls.push('stop'),
        finishSync: (deadline) => (calls.push('finishSync'), deadlines.push(deadline)),
      },
      5000,
      () => calls.push('timeout'),
    );
    await sequence.run();
    expect(calls).toEqual(['begin', 'stop', 'finishSync']);
    expect(new Set(deadlines).size).toBe(1);
  });

  it('runs once however often it is asked to', async () => {
    let stops = 0;
    const sequence = shutdownSequence(
      { begin: () => undefined, stop: async () => void stops++, finishSync: () => undefined },
      5000,
      () => undefined,
    );
    await Promise.all([sequence.run(), sequence.run()]);
    await sequence.run();
    expect(stops).toBe(1);
  });

  it('still writes synchronously, then says so, when stopping takes longer than the timeout', async () => {
    const calls: string[] = [];
    const sequence = shutdownSequence(
      { begin: () => undefined, stop: () => new Promise(() => undefined), finishSync: () => calls.push('finishSync') },
      20,
      () => calls.push('timeout'),
    );
    await sequence.run();
    expect(calls).toEqual(['finishSync', 'timeout']);
  });

  it('writes again on request once it has run, and not before', async () => {
    let writes = 0;
    const sequence = shutdownSequence(
      { begin: () => undefined, stop: async () => undefined, finishSync: () => void writes++ },
      5000,
      () => undefined,
    );
    sequence.finishSync();
    expect(writes).toBe(0);
    await sequence.run();
    sequence.finishSync();
    expect(writes).toBe(2);
  });
});
