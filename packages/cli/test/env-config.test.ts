import { badValuePattern, type EnvCase } from '@modelsight/test-support';
import { expect, test } from 'vitest';
import { CLI_ENV_DEFAULTS, type CliEnv, cliEnv } from '../src/config/env-config';

// Every variable the command reads (DriftMonitor's), a value it must reject, and the default it then uses.
const CASES: readonly EnvCase[] = [
  { name: 'MODELSIGHT_DRIFT_MIN_SAMPLES', bad: '2.5', fallback: 100 },
  { name: 'MODELSIGHT_DRIFT_PSI_THRESHOLD', bad: 'high', fallback: 0.2 },
  { name: 'MODELSIGHT_MAX_MISSING_INCREASE', bad: 'lots', fallback: 0.02 },
];

test('the table covers every variable the command reads', () => {
  expect(CASES.map((c) => c.name).sort()).toEqual(Object.keys(CLI_ENV_DEFAULTS).sort());
});

test.each(CASES)(
  'a bad $name gives one warning naming it, the value and the default, and the default',
  ({ name, bad, fallback }) => {
    const warnings: string[] = [];
    expect(cliEnv((message) => warnings.push(message), { [name]: bad })[name as keyof CliEnv]).toEqual(fallback);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(badValuePattern(name, bad as string));
  },
);
