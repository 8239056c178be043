import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { checkResponderConfig } from '../src/respond/responses-config';
import { runCli, tempDir } from './support/run-cli';

// The config of modelsight respond is checked at start: every mistake is an error that names
// the key and the value, and nothing listens.

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FILE = '/etc/responses.yaml';
const ENV = { RESPONDER_TOKEN: 'a-token-of-32-characters-0123456', ADMIN_TOKEN: 'admin-secret' };

const VALID = `
token: { env: RESPONDER_TOKEN }
labels:
  ml_model_name: '[a-z0-9-]+'
  ml_model_version: '[0-9.]+'
actions:
  retrain:
    command: [node, retrain.mjs, --model, '{{ labels.ml_model_name }}', --version, '{{labels.ml_model_version}}']
    timeout: 30m
    cooldown: 6h
  rollback:
    http:
      url: http://iris:3000/admin/rollback
      bearerTokenEnv: ADMIN_TOKEN
      body: { version: '{{ labels.ml_model_version }}', steps: [1, '{{ labels.ml_model_name }}'] }
  pipeline:
    pipeline: { url: 'https://ci.example/hooks/retrain' }
routes:
  - match: { alertname: ModelFeatureDriftShareHigh }
    actions: [retrain, pipeline]
  - match: { alertname: ModelCanaryErrorRateHigh, severity: critical }
    actions: [rollback]
`;

/** VALID with `change` applied to its parsed form. */
function check(change: (doc: any) => void = () => undefined, env: NodeJS.ProcessEnv = ENV) {
  const doc = parse(VALID);
  change(doc);
  return checkResponderConfig(FILE, doc, env);
}

describe('a valid config', () => {
  test('listens on 127.0.0.1:9095 by default, with the defaults of body size', () => {
    const config = check();
    expect([config.host, config.port, config.maxBodyBytes]).toEqual(['127.0.0.1', 9095, 256 * 1024]);
    expect(config.tokenEnv).toBe('RESPONDER_TOKEN');
  });

  test('reads durations, and the timeout and cooldown defaults (60 s, 1 h)', () => {
    const config = check();
    expect(config.actions.get('retrain')).toMatchObject({ timeoutMs: 30 * 60_000, cooldownMs: 6 * 3_600_000 });
    expect(config.actions.get('pipeline')).toMatchObject({ timeoutMs: 60_000, cooldownMs: 3_600_000 });
  });

  test('keeps label placeholders as whole values, and the service token as a header', () => {
    const retrain = check().actions.get('retrain')!.run;
    expect(retrain).toEqual({
      kind: 'command',
      argv: [
        { literal: 'node' },
        { literal: 'retrain.mjs' },
        { literal: '--model' },
        { label: 'ml_model_name' },
        { literal: '--version' },
        { label: 'ml_model_version' },
      ],
    });
    const rollback = check().actions.get('rollback')!.run;
    expect(rollback).toMatchObject({
      kind: 'http',
      method: 'POST',
      headers: { authorization: 'Bearer admin-secret', 'content-type': 'application/json' },
    });
  });

  test('matches a label value whole against its pattern', () => {
    const pattern = check().labels.get('ml_model_version')!;
    expect(pattern.test('1.2.0')).toBe(true);
    expect(pattern.test('1.2.0; rm -rf /')).toBe(false);
    expect(pattern.test('x1.2')).toBe(false);
  });
});

describe('a config refused, naming the key and the value', () => {
  const cases: [string, (doc: any) => void, RegExp][] = [
    ['no token', (doc) => delete doc.token, /token is required/],
    [
      'a token variable that is not set',
      (doc) => (doc.token = { env: 'NOT_SET' }),
      /the token in the environment variable NOT_SET \(token\.env\) must be at least 16 characters, got none/,
    ],
    ['both token sources', (doc) => (doc.token.file = 'token'), /exactly one of token\.env .* or token\.file/],
    [
      'a token file that cannot be read',
      (doc) => (doc.token = { file: 'missing-token' }),
      /cannot read token\.file \/etc\/missing-token/,
    ],
    ['a misspelt key', (doc) => (doc.actions.retrain.cooldwn = '1h'), /unknown key actions\.retrain\.cooldwn; known: /],
    [
      'a duration without a unit',
      (doc) => (doc.actions.retrain.timeout = 30),
      /actions\.retrain\.timeout must be a duration such as 30s, 5m or 6h .*, got 30/,
    ],
    ['a timeout of 0', (doc) => (doc.actions.retrain.timeout = '0s'), /actions\.retrain\.timeout must be .*above 0/],
    [
      'a label outside the allow-list',
      (doc) => doc.actions.retrain.command.push('{{ labels.note }}'),
      /actions\.retrain\.command\[6\] uses label "note", which is not in the labels allow-list \(labels: ml_model_name, ml_model_version\)/,
    ],
    [
      'a label inside a larger argument',
      (doc) => doc.actions.retrain.command.push('--model={{ labels.ml_model_name }}'),
      /actions\.retrain\.command\[6\] must be fixed text or exactly one \{\{ labels\.NAME \}\} with nothing around it, got "--model=\{\{ labels\.ml_model_name \}\}"/,
    ],
    [
      'a label as the program',
      (doc) => (doc.actions.retrain.command[0] = '{{ labels.ml_model_name }}'),
      /command\[0\], the program, must be fixed text/,
    ],
    [
      'a command that is a string',
      (doc) => (doc.actions.retrain.command = 'node retrain.mjs'),
      /actions\.retrain\.command must be a list/,
    ],
    [
      'two kinds in one action',
      (doc) => (doc.actions.retrain.pipeline = { url: 'http://ci' }),
      /actions\.retrain needs exactly one of command, http or pipeline, got command, pipeline/,
    ],
    [
      'a URL that is not http',
      (doc) => (doc.actions.pipeline.pipeline.url = 'file:///etc/passwd'),
      /actions\.pipeline\.pipeline\.url must be an absolute http/,
    ],
    [
      'a service token variable that is not set',
      (doc) => (doc.actions.rollback.http.bearerTokenEnv = 'NO_SUCH_TOKEN'),
      /actions\.rollback\.http\.bearerTokenEnv names the environment variable NO_SUCH_TOKEN, which is not set/,
    ],
    [
      'a label in the body of a pipeline',
      (doc) => (doc.actions.pipeline.pipeline.body = {}),
      /unknown key actions\.pipeline\.pipeline\.body/,
    ],
    [
      'a pattern that is not a regular expression',
      (doc) => (doc.labels.ml_model_name = '[a-z'),
      /labels\.ml_model_name must be a regular expression/,
    ],
    [
      'a port out of range',
      (doc) => (doc.listen = { port: 70000 }),
      /listen\.port must be a whole number from 0 to 65535, got 70000/,
    ],
    [
      'a route to an unknown action',
      (doc) => doc.routes[0].actions.push('retrian'),
      /routes\[0\]\.actions\[2\] must be one of the actions \(retrain, rollback, pipeline\), got "retrian"/,
    ],
    ['a route without match', (doc) => delete doc.routes[1].match, /routes\[1\]\.match must be a mapping/],
    [
      'an action name with capitals',
      (doc) => (doc.actions.Retrain = doc.actions.retrain),
      /the name of actions\.Retrain must be lower-case/,
    ],
    ['no routes', (doc) => (doc.routes = []), /routes must be a non-empty list, got \[\]/],
  ];
  for (const [name, change, message] of cases) {
    test(name, () => {
      expect(() => check(change)).toThrow(message);
      expect(() => check(change)).toThrow(/^\/etc\/responses\.yaml: /);
    });
  }
});

describe('modelsight respond', () => {
  test('exits with code 2 and one line naming the key on a bad config, without listening', () => {
    const file = join(dir, 'responses.yaml');
    writeFileSync(file, VALID.replace('timeout: 30m', 'timeout: soon'));
    const run = runCli(['respond', '--config', file], { env: { PATH: process.env.PATH ?? '', ...ENV } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `modelsight respond: ${file}: actions.retrain.timeout must be a duration such as 30s, 5m or 6h (at most 30d, above 0), got "soon"\n`,
    );
    expect(run.stdout).toBe('');
  });

  test('says where YAML is broken', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'token: { env: X\nactions: [');
    const run = runCli(['respond', '--config', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^modelsight respond: .*broken\.yaml: not valid YAML: .*line \d+/);
  });

  test('refuses a key given twice', () => {
    const file = join(dir, 'twice.yaml');
    writeFileSync(file, `${VALID}\nroutes: []\n`);
    const run = runCli(['respond', '--config', file], { env: { PATH: process.env.PATH ?? '', ...ENV } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not valid YAML: Map keys must be unique/);
  });

  test('--check validates and exits 0; the token never appears in what it prints', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, VALID);
    const run = runCli(['respond', '--config', file, '--check'], { env: { PATH: process.env.PATH ?? '', ...ENV } });
    expect(run).toEqual({ code: 0, stdout: '', stderr: `${file}: 3 actions, 2 routes: OK\n` });
  });

  test('asks for --config', () => {
    const run = runCli(['respond']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('modelsight respond: give --config FILE, the responses to alerts (YAML)\n');
  });
});
