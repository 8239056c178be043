import { badValuePattern, captureDiag, type EnvCase } from '@modelsight/test-support';
import { expect, test } from 'vitest';
import { CORE_ENV_DEFAULTS, type CoreEnv, coreEnv } from '../src/config/env-config';

// Every variable of the package, a value it must reject, and the default it then uses.
const CASES: readonly EnvCase[] = [
  { name: 'MODELSIGHT_CAPTURE_FEATURES', bad: '1', fallback: false },
  { name: 'MODELSIGHT_REDACT_FEATURES', bad: undefined, fallback: [] },
  { name: 'MODELSIGHT_RECORD_EXCEPTION_MESSAGES', bad: 'yes', fallback: false },
  { name: 'MODELSIGHT_FEEDBACK_MAX_ENTRIES', bad: '10k', fallback: 100_000 },
  { name: 'MODELSIGHT_FEEDBACK_TTL_MS', bad: '-5', fallback: 3_600_000 },
  { name: 'MODELSIGHT_FEEDBACK_WINDOW_SIZE', bad: '0', fallback: 1000 },
  { name: 'MODELSIGHT_METRIC_CARDINALITY_LIMIT', bad: '1', fallback: 2000 },
  {
    name: 'MODELSIGHT_PREDICTION_DURATION_BUCKETS',
    bad: '0.1,0.01',
    fallback: CORE_ENV_DEFAULTS.MODELSIGHT_PREDICTION_DURATION_BUCKETS,
  },
  { name: 'MODELSIGHT_OUTCOME_NAMES', bad: 'signup,signup', fallback: [] },
  { name: 'MODELSIGHT_CANARY_GUARD', bad: 'off', fallback: true },
  { name: 'MODELSIGHT_CANARY_CONFIDENCE', bad: '1', fallback: 0.99 },
  { name: 'MODELSIGHT_SHADOW_MAX_QUEUED', bad: 'many', fallback: 100 },
  { name: 'MODELSIGHT_SHADOW_CONCURRENCY', bad: '0', fallback: 1 },
];

test('the table covers every variable the package reads', () => {
  expect(CASES.map((c) => c.name).sort()).toEqual(Object.keys(CORE_ENV_DEFAULTS).sort());
});

test.each(CASES.filter((c) => c.bad !== undefined))(
  'a bad $name gives one warning naming it, the value and the default, and the default',
  ({ name, bad, fallback }) => {
    const diag = captureDiag();
    const env = coreEnv({ [name]: bad });
    expect(env[name as keyof CoreEnv]).toEqual(fallback);
    expect(diag.warnings).toHaveLength(1);
    expect(diag.warnings[0]).toMatch(badValuePattern(name, bad as string, '@modelsight/core'));
    coreEnv({ [name]: bad, OTHER: 'x' });
    expect(diag.warnings).toHaveLength(1);
  },
);

test('booleans are true or false in any case, and nothing else', () => {
  expect(coreEnv({ MODELSIGHT_CAPTURE_FEATURES: 'TRUE' }).MODELSIGHT_CAPTURE_FEATURES).toBe(true);
  expect(coreEnv({ MODELSIGHT_CAPTURE_FEATURES: 'False' }).MODELSIGHT_CAPTURE_FEATURES).toBe(false);
  expect(coreEnv({ MODELSIGHT_CAPTURE_FEATURES: '0' }).MODELSIGHT_CAPTURE_FEATURES).toBe(false);
});
