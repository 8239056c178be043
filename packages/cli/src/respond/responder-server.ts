import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActionResult } from './action-outcome';
import { ActionGate } from './action-gate';
import { type AlertmanagerNotification, readNotification } from './alertmanager-notification';
import { RefusedLabelError } from './label-template';
import { prepareAction } from './prepare-action';
import { ResponderMetrics } from './responder-metrics';
import type { ResponderConfig } from './responses-config';

/** A running responder. */
export interface Responder {
  /** `http://host:port` it listens on. */
  readonly url: string;
  /** Stops listening; resolves when the actions under way have ended. */
  close(): Promise<void>;
}

/** Where audit lines go (one JSON object per action), and the environment of commands. */
export interface ResponderOptions {
  audit(line: Record<string, unknown>): void;
  /** Environment of the commands; the token's variable is removed from it. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Clock, in milliseconds. @default Date.now */
  now?: () => number;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

function answer(response: ServerResponse, code: number, body: Record<string, unknown>, headers = {}): void {
  response.writeHead(code, { 'content-type': 'application/json', ...headers }).end(`${JSON.stringify(body)}\n`);
}

/** Names of the actions whose routes match the group's common labels, each once, in config order. */
function actionsFor(config: ResponderConfig, labels: Readonly<Record<string, string>>): string[] {
  const names = new Set<string>();
  for (const route of config.routes) {
    const matches = Object.entries(route.match).every(
      ([label, value]) => Object.hasOwn(labels, label) && labels[label] === value,
    );
    if (matches) for (const name of route.actions) names.add(name);
  }
  return [...names];
}

/** Starts the HTTP server of `modelsight respond`. */
export async function startResponder(config: ResponderConfig, options: ResponderOptions): Promise<Responder> {
  const now = options.now ?? Date.now;
  const env = { ...(options.env ?? process.env) };
  if (config.tokenEnv !== undefined) delete env[config.tokenEnv];
  const expected = digest(`Bearer ${config.token}`);
  const metrics = new ResponderMetrics(config.actions.keys());
  const gate = new ActionGate();
  const running = new Set<Promise<void>>();

  // `time` is when the notification came and the decision was taken; `durationMs` is how long the run took.
  const audit = (notification: AlertmanagerNotification, action: string, at: number, fields: Record<string, unknown>) =>
    options.audit({
      time: new Date(at).toISOString(),
      action,
      kind: config.actions.get(action)?.run.kind,
      receiver: notification.receiver,
      groupKey: notification.groupKey,
      alertname: notification.commonLabels['alertname'],
      labels: notification.commonLabels,
      alerts: notification.alerts.length,
      ...fields,
    });
  const skip = (
    notification: AlertmanagerNotification,
    action: string,
    at: number,
    result: ActionResult,
    extra = {},
  ) => {
    metrics.action(action, result);
    audit(notification, action, at, { result, durationMs: 0, ...extra });
  };

  const respond = (notification: AlertmanagerNotification): Record<string, string> => {
    const decisions: Record<string, string> = {};
    metrics.notification(notification.status);
    const at = now();
    if (notification.status === 'resolved') {
      gate.resolve(notification.groupKey);
      return decisions;
    }
    for (const name of actionsFor(config, notification.commonLabels)) {
      const action = config.actions.get(name)!;
      let prepared: ReturnType<typeof prepareAction>;
      try {
        prepared = prepareAction(action, notification, config.labels, env);
      } catch (error) {
        if (!(error instanceof RefusedLabelError)) throw error;
        skip(notification, name, at, 'rejected', { reason: error.message });
        decisions[name] = 'rejected';
        continue;
      }
      const decision = gate.decide(name, notification.groupKey, action.cooldownMs, at);
      decisions[name] = decision === 'run' ? 'started' : decision;
      if (decision !== 'run') {
        skip(notification, name, at, decision, { ran: prepared.shown });
        continue;
      }
      const started = performance.now();
      const done = prepared.execute().then((outcome) => {
        metrics.action(name, outcome.result);
        audit(notification, name, at, {
          ran: prepared.shown,
          result: outcome.result,
          durationMs: Math.round(performance.now() - started),
          ...outcome.detail,
        });
      });
      running.add(done);
      void done.finally(() => running.delete(done));
    }
    return decisions;
  };

  const webhook = (request: IncomingMessage, response: ServerResponse) => {
    const reply = (code: number, body: Record<string, unknown>, headers = {}) => {
      metrics.request(code);
      answer(response, code, body, headers);
    };
    // The token is checked before the body is read: nothing of an unauthenticated request is used.
    const given = request.headers.authorization ?? '';
    if (!timingSafeEqual(digest(given), expected)) {
      reply(401, { error: 'a valid bearer token is required' }, { 'www-authenticate': 'Bearer', connection: 'close' });
      request.resume();
      return;
    }
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > config.maxBodyBytes) {
      reply(413, { error: `the body is larger than ${config.maxBodyBytes} bytes` }, { connection: 'close' });
      request.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > config.maxBodyBytes) {
        if (!tooLarge)
          reply(413, { error: `the body is larger than ${config.maxBodyBytes} bytes` }, { connection: 'close' });
        tooLarge = true;
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (tooLarge) return;
      const notification = readNotification(Buffer.concat(chunks).toString('utf8'));
      if ('error' in notification) {
        reply(400, { error: `not an Alertmanager webhook notification (version 4): ${notification.error}` });
        return;
      }
      reply(200, { status: notification.status, actions: respond(notification) });
    });
    request.on('error', () => undefined);
  };

  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/metrics') {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(metrics.text());
      return;
    }
    if (request.method === 'GET' && path === '/-/healthy') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    if (request.method !== 'POST') {
      metrics.request(405);
      answer(response, 405, { error: 'POST an Alertmanager notification' }, { allow: 'POST' });
      request.resume();
      return;
    }
    webhook(request, response);
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...running]);
    },
  };
}
