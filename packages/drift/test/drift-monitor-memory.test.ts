import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { DriftMonitor } from '../src/index';
import { createTestMeter } from './support/metrics';
import { referenceProfile } from './support/reference';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

// The full 10 million observations are measured by bench/observe-and-collect.mjs.
it('keeps the heap flat over a million observations', async () => {
  const { meter, collect } = createTestMeter();
  const monitor = new DriftMonitor({ model: { name: 'm', version: '1' }, profile: referenceProfile(), meter });
  const categories = ['a', 'b', 'c', 'unseen'];
  const row = { x: 0, c: 'a' };
  const outputs = { label: 'pos', confidence: 0.9 };
  // Fill the windows first: their memory is allocated up front and bounded by windowSize.
  for (let i = 0; i < 10_000; i++) monitor.observe(row, outputs);
  await collect();
  const before = heapAfterGc();
  for (let i = 0; i < 1_000_000; i++) {
    row.x = (i % 1000) / 250 - 2;
    row.c = categories[i & 3]!;
    outputs.confidence = 0.5 + (i % 500) / 1000;
    monitor.observe(row, outputs);
  }
  await collect();
  const after = heapAfterGc();
  expect(monitor.report().features[0]!.bins.reduce((s, b) => s + b.total, 0)).toBe(1_010_000);
  expect(after - before).toBeLessThan(512 * 1024);
});
