import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';

// The built package, as a user gets it with `require` and with `import`.
const packageDir = join(__dirname, '..');
const run = (args: string[]) =>
  execFileSync(process.execPath, args, { cwd: packageDir, encoding: 'utf8', timeout: 10_000 });
const script = (load: string) => `${load}
const tracker = new FeedbackTracker({ ttlMs: 60000 });
tracker.onPrediction({ model: { name: 'm', version: '1' }, predictionId: 'p1', traceId: undefined, status: 'ok', label: 'a', confidence: 0.9, output: { label: 'a' }, features: undefined, durationSeconds: 0, endTime: Date.now() });
console.log(tracker.recordFeedback('p1', 'a'), METRIC_ML_FEEDBACK);`;

test('require() of the built package gives a working FeedbackTracker, and the process exits on its own', () => {
  const out = run(['-e', script(`const { FeedbackTracker, METRIC_ML_FEEDBACK } = require('@modelsight/core');`)]);
  expect(out.trim()).toBe('correct ml_feedback');
});

test('import of the built package gives a working FeedbackTracker, and the process exits on its own', () => {
  const out = run([
    '--input-type=module',
    '-e',
    script(`import { FeedbackTracker, METRIC_ML_FEEDBACK } from '@modelsight/core';`),
  ]);
  expect(out.trim()).toBe('correct ml_feedback');
});
