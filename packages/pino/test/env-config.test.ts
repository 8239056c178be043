import { badValuePattern, captureDiag, type EnvCase } from '@modelsight/test-support';
import { expect, test } from 'vitest';
import { PINO_ENV_DEFAULTS, type PinoEnv, pinoEnv } from '../src/config/env-config';

// Every variable of the package, a value it must reject, and the default it then uses.
const CASES: readonly EnvCase[] = [
  { name: 'MODELSIGHT_PREDICTION_LOG_SAMPLE_RATE', bad: '1.5', fallback: 1 },
  { name: 'MODELSIGHT_LOG_INPUTS', bad: '1', fallback: false },
  { name: 'MODELSIGHT_REDACT_FEATURES', bad: undefined, fallback: [] },
];

test('the table covers every variable the package reads', () => {
  expect(CASES.map((c) => c.name).sort()).toEqual(Object.keys(PINO_ENV_DEFAULTS).sort());
});

test.each(CASES.filter((c) => c.bad !== undefined))(
  'a bad $name gives one warning naming it, the value and the default, and the default',
  ({ name, bad, fallback }) => {
    const diag = captureDiag();
    expect(pinoEnv({ [name]: bad })[name as keyof PinoEnv]).toEqual(fallback);
    pinoEnv({ [name]: bad });
    expect(diag.warnings).toHaveLength(1);
    expect(diag.warnings[0]).toMatch(badValuePattern(name, bad as string, '@modelsight/pino'));
  },
);
