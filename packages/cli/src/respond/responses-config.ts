import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { InputError } from '../input/input-error';
import { configError, duration, httpUrl, integer, keyPath, mapping, type Obj, text } from './config-values';
import { type BodyTemplate, parseBody, parseValue, type ValueTemplate } from './label-template';

/** Address the responder listens on unless `listen.host` says otherwise: loopback only. */
export const DEFAULT_HOST = '127.0.0.1';
/** Port unless `listen.port` says otherwise. */
export const DEFAULT_PORT = 9095;
/** Largest request body accepted unless `maxBodyBytes` says otherwise (Alertmanager sends a few kB). */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
/** Time an action may take unless its `timeout` says otherwise. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Time before an action runs again for the same alert group unless its `cooldown` says otherwise. */
export const DEFAULT_COOLDOWN_MS = 3_600_000;
/** Shortest bearer token accepted: a guessable token is no protection. */
export const MIN_TOKEN_LENGTH = 16;

/** Run a program with arguments, without a shell. */
export interface CommandRun {
  readonly kind: 'command';
  readonly argv: readonly ValueTemplate[];
}

/** An HTTP request (a service's admin endpoint), or a POST of the alert group (`pipeline`). */
export interface HttpRun {
  readonly kind: 'http' | 'pipeline';
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON body; for `pipeline`, undefined: the alert group is posted. */
  readonly body: BodyTemplate | undefined;
}

/** One action of the config. */
export interface ActionConfig {
  readonly name: string;
  readonly run: CommandRun | HttpRun;
  readonly timeoutMs: number;
  readonly cooldownMs: number;
}

/** Alerts whose group's common labels equal `match` run `actions`. */
export interface RouteConfig {
  readonly match: Readonly<Record<string, string>>;
  readonly actions: readonly string[];
}

/** A checked `responses.yaml`. */
export interface ResponderConfig {
  readonly file: string;
  readonly host: string;
  readonly port: number;
  /** The bearer token requests must carry. Never logged. */
  readonly token: string;
  /** The environment variable the token came from, kept out of the commands' environment. */
  readonly tokenEnv: string | undefined;
  readonly maxBodyBytes: number;
  /** Labels that may reach an action, with the pattern a value must match whole. */
  readonly labels: ReadonlyMap<string, RegExp>;
  readonly actions: ReadonlyMap<string, ActionConfig>;
  readonly routes: readonly RouteConfig[];
}

const ACTION_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HEADER_NAME = /^[A-Za-z0-9-]+$/;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function readToken(file: string, value: unknown, env: NodeJS.ProcessEnv): { token: string; tokenEnv?: string } {
  const spec = mapping(file, 'token', value, ['env', 'file']);
  if ((spec['env'] === undefined) === (spec['file'] === undefined))
    throw new InputError(`${file}: token needs exactly one of token.env (a variable name) or token.file (a path)`);
  let token: string;
  let where: string;
  let tokenEnv: string | undefined;
  if (spec['env'] !== undefined) {
    tokenEnv = text(file, 'token.env', spec['env']);
    where = `the environment variable ${tokenEnv} (token.env)`;
    token = (env[tokenEnv] ?? '').trim();
  } else {
    const path = resolve(dirname(file), text(file, 'token.file', spec['file']));
    where = `the file ${path} (token.file)`;
    try {
      token = readFileSync(path, 'utf8').trim();
    } catch (error) {
      throw new InputError(`${file}: cannot read token.file ${path}: ${(error as Error).message}`);
    }
  }
  if (token.length < MIN_TOKEN_LENGTH)
    throw new InputError(
      `${file}: the token in ${where} must be at least ${MIN_TOKEN_LENGTH} characters, got ${token.length === 0 ? 'none' : `${token.length}`}`,
    );
  return { token, tokenEnv };
}

function readLabels(file: string, value: unknown): Map<string, RegExp> {
  const labels = new Map<string, RegExp>();
  if (value === undefined) return labels;
  const spec = mapping(file, 'labels', value, Object.keys((value ?? {}) as Obj));
  for (const [name, pattern] of Object.entries(spec)) {
    const key = keyPath('labels', name);
    if (!LABEL_NAME.test(name)) configError(file, `the name of ${key}`, 'a Prometheus label name', name);
    try {
      // The whole value must match: a pattern cannot be satisfied by a harmless part of it.
      labels.set(name, new RegExp(`^(?:${text(file, key, pattern)})$`, 'u'));
    } catch (error) {
      if (error instanceof InputError) throw error;
      configError(file, key, `a regular expression (${(error as Error).message})`, pattern);
    }
  }
  return labels;
}

function readHeaders(file: string, key: string, value: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (value === undefined) return headers;
  const spec = mapping(file, key, value, Object.keys((value ?? {}) as Obj));
  for (const [name, header] of Object.entries(spec)) {
    if (!HEADER_NAME.test(name)) configError(file, `the name of ${keyPath(key, name)}`, 'an HTTP header name', name);
    headers[name.toLowerCase()] = text(file, keyPath(key, name), header);
  }
  return headers;
}

function bearer(file: string, key: string, value: unknown, env: NodeJS.ProcessEnv): string | undefined {
  if (value === undefined) return undefined;
  const name = text(file, key, value);
  const token = (env[name] ?? '').trim();
  if (token === '') throw new InputError(`${file}: ${key} names the environment variable ${name}, which is not set`);
  return `Bearer ${token}`;
}

function readHttp(
  file: string,
  key: string,
  value: unknown,
  kind: 'http' | 'pipeline',
  labels: ReadonlyMap<string, RegExp>,
  env: NodeJS.ProcessEnv,
): HttpRun {
  const allowed =
    kind === 'http' ? ['url', 'method', 'headers', 'bearerTokenEnv', 'body'] : ['url', 'headers', 'bearerTokenEnv'];
  const spec = mapping(file, key, value, allowed);
  const method = spec['method'] === undefined ? 'POST' : text(file, `${key}.method`, spec['method']).toUpperCase();
  if (!METHODS.includes(method)) configError(file, `${key}.method`, METHODS.join(', '), spec['method']);
  const headers = readHeaders(file, `${key}.headers`, spec['headers']);
  const authorization = bearer(file, `${key}.bearerTokenEnv`, spec['bearerTokenEnv'], env);
  if (authorization !== undefined) headers['authorization'] = authorization;
  const body = spec['body'] === undefined ? undefined : parseBody(file, `${key}.body`, spec['body'], labels);
  if (body !== undefined && (method === 'GET' || method === 'DELETE'))
    throw new InputError(`${file}: ${key}.body cannot go with method ${method}`);
  if (body !== undefined || kind === 'pipeline') headers['content-type'] = 'application/json';
  return { kind, method, url: httpUrl(file, `${key}.url`, spec['url']), headers, body };
}

function readAction(
  file: string,
  name: string,
  value: unknown,
  labels: ReadonlyMap<string, RegExp>,
  env: NodeJS.ProcessEnv,
): ActionConfig {
  const key = keyPath('actions', name);
  if (!ACTION_NAME.test(name))
    configError(file, `the name of ${key}`, 'lower-case letters, digits, - and _ (at most 63)', name);
  const spec = mapping(file, key, value, ['command', 'http', 'pipeline', 'timeout', 'cooldown']);
  const kinds = (['command', 'http', 'pipeline'] as const).filter((kind) => spec[kind] !== undefined);
  if (kinds.length !== 1)
    throw new InputError(
      `${file}: ${key} needs exactly one of command, http or pipeline, got ${kinds.join(', ') || 'none'}`,
    );
  let run: CommandRun | HttpRun;
  if (kinds[0] === 'command') {
    const argv = spec['command'];
    if (!Array.isArray(argv) || argv.length === 0)
      configError(file, `${key}.command`, 'a list: the program, then its arguments (no shell)', argv);
    run = {
      kind: 'command',
      argv: argv.map((arg, i) => {
        const argKey = keyPath(`${key}.command`, i);
        if (typeof arg !== 'string' && typeof arg !== 'number') configError(file, argKey, 'a string', arg);
        const template = parseValue(file, argKey, String(arg), labels);
        if (i === 0 && !('literal' in template))
          throw new InputError(`${file}: ${argKey}, the program, must be fixed text, not a label`);
        return template;
      }),
    };
  } else {
    run = readHttp(file, `${key}.${kinds[0]}`, spec[kinds[0] as string], kinds[0] as 'http' | 'pipeline', labels, env);
  }
  return {
    name,
    run,
    timeoutMs:
      spec['timeout'] === undefined ? DEFAULT_TIMEOUT_MS : duration(file, `${key}.timeout`, spec['timeout'], false),
    cooldownMs:
      spec['cooldown'] === undefined ? DEFAULT_COOLDOWN_MS : duration(file, `${key}.cooldown`, spec['cooldown'], true),
  };
}

function readRoutes(file: string, value: unknown, actions: ReadonlyMap<string, ActionConfig>): RouteConfig[] {
  if (!Array.isArray(value) || value.length === 0) configError(file, 'routes', 'a non-empty list', value);
  return value.map((item, i) => {
    const key = keyPath('routes', i);
    const spec = mapping(file, key, item, ['match', 'actions']);
    const match = mapping(file, `${key}.match`, spec['match'], Object.keys((spec['match'] ?? {}) as Obj));
    if (Object.keys(match).length === 0) configError(file, `${key}.match`, 'a mapping of at least one label', match);
    for (const [label, expected] of Object.entries(match)) {
      if (!LABEL_NAME.test(label)) configError(file, `the name of ${key}.match.${label}`, 'a label name', label);
      text(file, `${key}.match.${label}`, expected);
    }
    const names = spec['actions'];
    if (!Array.isArray(names) || names.length === 0)
      configError(file, `${key}.actions`, 'a non-empty list of action names', names);
    for (const [j, name] of names.entries()) {
      if (typeof name !== 'string' || !actions.has(name))
        configError(file, keyPath(`${key}.actions`, j), `one of the actions (${[...actions.keys()].join(', ')})`, name);
    }
    return { match: match as Record<string, string>, actions: names as string[] };
  });
}

/** Checks a parsed `responses.yaml`; throws an InputError naming the key and the value. */
export function checkResponderConfig(file: string, document: unknown, env: NodeJS.ProcessEnv): ResponderConfig {
  const root = mapping(file, '', document, ['listen', 'token', 'maxBodyBytes', 'labels', 'actions', 'routes']);
  const listen = mapping(file, 'listen', root['listen'] ?? {}, ['host', 'port']);
  const host = listen['host'] === undefined ? DEFAULT_HOST : text(file, 'listen.host', listen['host']);
  const port = listen['port'] === undefined ? DEFAULT_PORT : integer(file, 'listen.port', listen['port'], 0, 65535);
  if (root['token'] === undefined)
    throw new InputError(
      `${file}: token is required (token.env or token.file): the responder refuses unauthenticated requests`,
    );
  const { token, tokenEnv } = readToken(file, root['token'], env);
  const maxBodyBytes =
    root['maxBodyBytes'] === undefined
      ? DEFAULT_MAX_BODY_BYTES
      : integer(file, 'maxBodyBytes', root['maxBodyBytes'], 1024, 64 * 1024 * 1024);
  const labels = readLabels(file, root['labels']);
  const actionSpecs = mapping(file, 'actions', root['actions'], Object.keys((root['actions'] ?? {}) as Obj));
  if (Object.keys(actionSpecs).length === 0)
    configError(file, 'actions', 'a mapping of at least one action', actionSpecs);
  const actions = new Map(
    Object.entries(actionSpecs).map(([name, spec]) => [name, readAction(file, name, spec, labels, env)]),
  );
  const routes = readRoutes(file, root['routes'], actions);
  return { file, host, port, token, tokenEnv, maxBodyBytes, labels, actions, routes };
}

/** Reads and checks `responses.yaml`. */
export function loadResponderConfig(path: string, env: NodeJS.ProcessEnv = process.env): ResponderConfig {
  const file = resolve(path);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read --config ${file}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parse(source, { uniqueKeys: true, maxAliasCount: 10 });
  } catch (error) {
    throw new InputError(`${file}: not valid YAML: ${(error as Error).message}`);
  }
  return checkResponderConfig(file, document, env);
}
