import { describe, expect, it } from 'vitest';
import { settleWithin } from '../src/shutdown/bounded';

describe('settleWithin', () => {
  it('is true when the work resolves in time', async () => {
    expect(await settleWithin(Promise.resolve('done'), 1000)).toBe(true);
  });

  it('is true, without rejecting, when the work rejects in time', async () => {
    expect(await settleWithin(Promise.reject(new Error('export failed')), 1000)).toBe(true);
  });

  it('is false when the work never settles', async () => {
    expect(await settleWithin(new Promise(() => undefined), 10)).toBe(false);
  });
});
