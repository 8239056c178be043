import { badValuePattern, captureDiag, type EnvCase } from '@modelsight/test-support';
import { expect, test } from 'vitest';
import { FEEDBACK_REDIS_ENV_DEFAULTS, type FeedbackRedisEnv, feedbackRedisEnv } from '../src/config/env-config';

// Every variable of the package, a value it must reject, and the default it then uses.
const CASES: readonly EnvCase[] = [
  { name: 'MODELSIGHT_FEEDBACK_STORE', bad: 'postgres', fallback: 'memory' },
  { name: 'MODELSIGHT_REDIS_URL', bad: 'localhost:6379', fallback: 'redis://127.0.0.1:6379' },
  { name: 'MODELSIGHT_REDIS_CLUSTER_NODES', bad: 'redis://a:1,10.0.0.2:6379', fallback: [] },
  { name: 'MODELSIGHT_REDIS_KEY_PREFIX', bad: 'with space', fallback: 'ms:fb:' },
  { name: 'MODELSIGHT_REDIS_TIMEOUT_MS', bad: 'soon', fallback: 1000 },
  { name: 'MODELSIGHT_REDIS_MAX_QUEUE', bad: '1e3', fallback: 10_000 },
  { name: 'MODELSIGHT_REDIS_TRACE_INDEX', bad: '1', fallback: false },
  { name: 'MODELSIGHT_REDIS_WAIT_FOR_REPLICA', bad: 'yes', fallback: false },
];

test('the table covers every variable the package reads', () => {
  expect(CASES.map((c) => c.name).sort()).toEqual(Object.keys(FEEDBACK_REDIS_ENV_DEFAULTS).sort());
});

test.each(CASES)(
  'a bad $name gives one warning naming it, the value and the default, and the default',
  ({ name, bad, fallback }) => {
    const diag = captureDiag();
    expect(feedbackRedisEnv({ [name]: bad })[name as keyof FeedbackRedisEnv]).toEqual(fallback);
    feedbackRedisEnv({ [name]: bad });
    expect(diag.warnings).toHaveLength(1);
    expect(diag.warnings[0]).toMatch(badValuePattern(name, bad as string, '@modelsight/feedback-redis'));
  },
);
