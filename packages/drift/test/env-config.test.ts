import { badValuePattern, captureDiag, type EnvCase } from '@modelsight/test-support';
import { expect, test } from 'vitest';
import { DRIFT_ENV_DEFAULTS, type DriftEnv, driftEnv } from '../src/config/env-config';

// Every variable of the package, a value it must reject, and the default it then uses.
const CASES: readonly EnvCase[] = [
  { name: 'MODELSIGHT_DRIFT_WINDOW_SIZE', bad: '150.5', fallback: 1000 },
  { name: 'MODELSIGHT_DRIFT_WINDOW_SECONDS', bad: 'an hour', fallback: undefined },
  { name: 'MODELSIGHT_DRIFT_MIN_SAMPLES', bad: '-3', fallback: 100 },
  { name: 'MODELSIGHT_DRIFT_PSI_THRESHOLD', bad: 'high', fallback: 0.2 },
];

test('the table covers every variable the package reads', () => {
  expect(CASES.map((c) => c.name).sort()).toEqual(Object.keys(DRIFT_ENV_DEFAULTS).sort());
});

test.each(CASES)(
  'a bad $name gives one warning naming it, the value and the default, and the default',
  ({ name, bad, fallback }) => {
    const diag = captureDiag();
    expect(driftEnv({ [name]: bad })[name as keyof DriftEnv]).toEqual(fallback);
    driftEnv({ [name]: bad });
    expect(diag.warnings).toHaveLength(1);
    expect(diag.warnings[0]).toMatch(badValuePattern(name, bad as string, '@modelsight/drift'));
  },
);
