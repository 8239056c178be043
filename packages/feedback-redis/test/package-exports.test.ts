import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

// The built package as a user gets it, with `require` and with `import`: the factory checks its
// options and the environment helper returns no store without MODELSIGHT_FEEDBACK_STORE.
const packageDir = join(__dirname, '..');
const run = (args: string[]) =>
  execFileSync(process.execPath, args, { cwd: packageDir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });

test('the package is built before its exports are tested', () => {
  expect(existsSync(join(packageDir, 'dist', 'index.cjs')) && existsSync(join(packageDir, 'dist', 'index.mjs'))).toBe(
    true,
  );
});

test('require() of the built package gives the store factory and the environment helper', () => {
  const out = run([
    '-e',
    `const m = require('@modelsight/feedback-redis');
     let message = '';
     try { m.redisFeedbackStore({ url: 'http://x' }); } catch (e) { message = e.message; }
     console.log(JSON.stringify([typeof m.RedisFeedbackStore, m.feedbackStoreFromEnv(), m.DEFAULT_KEY_PREFIX, message]));`,
  ]);
  expect(JSON.parse(out)).toEqual([
    'function',
    null,
    'ms:fb:',
    'modelsight redisFeedbackStore: option url must be a redis:// or rediss:// URL; got "http://x"',
  ]);
});

test('import of the built package gives the same', () => {
  const out = run([
    '--input-type=module',
    '-e',
    `import { RedisFeedbackStore, feedbackStoreFromEnv, ENV_REDIS_URL } from '@modelsight/feedback-redis';
     console.log(JSON.stringify([typeof RedisFeedbackStore, feedbackStoreFromEnv() === undefined, ENV_REDIS_URL]));`,
  ]);
  expect(JSON.parse(out)).toEqual(['function', true, 'MODELSIGHT_REDIS_URL']);
});
