import { expect, test } from 'vitest';
import { runCli } from './support/run-cli';

// Every command and sub-command answers --help with its usage, on stdout, with exit code 0.
test.each([
  [['--help'], 'Usage: modelsight <command>'],
  [['help'], 'Usage: modelsight <command>'],
  [['profile', '--help'], 'Usage: modelsight profile <subcommand>'],
  [['profile', 'build', '--help'], 'Usage: modelsight profile build DATA --out profile.json'],
  [['profile', 'build', 'data.csv', '-h'], 'Usage: modelsight profile build DATA --out profile.json'],
  [['report', '--help'], 'Usage: modelsight report --profile profile.json'],
  [['respond', '--help'], 'Usage: modelsight respond --config responses.yaml'],
])('modelsight %j shows its help', (args, usage) => {
  const result = runCli(args);
  expect([result.code, result.stderr]).toEqual([0, '']);
  expect(result.stdout.startsWith(usage)).toBe(true);
});

test('modelsight without a command shows the help', () => {
  const result = runCli([]);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('profile build DATA --out profile.json');
});

test('an unknown command exits with 2 and points to --help', () => {
  const result = runCli(['profiles']);
  expect([result.code, result.stdout, result.stderr]).toEqual([
    2,
    '',
    'modelsight: unknown command "profiles"; see modelsight --help\n',
  ]);
});

test('an unknown option without a command exits with 2 and points to --help', () => {
  const result = runCli(['profile', '--bins', '4']);
  expect([result.code, result.stdout, result.stderr]).toEqual([
    2,
    '',
    'modelsight: unexpected "--bins"; see modelsight --help\n',
  ]);
});

test('--version prints the package version', () => {
  const { version } = require('../package.json') as { version: string };
  expect(runCli(['--version']).stdout).toBe(`${version}\n`);
});
