import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from './support/prometheus';

// The stack's Alertmanager config run by the real Alertmanager (Debian package
// prometheus-alertmanager): alerts posted to its API must reach the webhook of
// their severity, and a critical must silence the warnings of its model version.

interface Notification {
  receiver: string;
  alerts: { status: string; labels: Record<string, string> }[];
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const dir = mkdtempSync(join(tmpdir(), 'modelsight-alertmanager-'));
const notifications: { path: string; body: Notification }[] = [];
let webhook: Server;
let alertmanager: ChildProcess;
let url = '';
let output = '';

beforeAll(async () => {
  webhook = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      notifications.push({ path: request.url ?? '', body: JSON.parse(body) as Notification });
      response.writeHead(200).end();
    });
  });
  const webhookPort = await freePort();
  await new Promise<void>((done) => webhook.listen(webhookPort, '127.0.0.1', done));

  // Same routes, receivers and inhibition; only the webhook address and the
  // waits before the first notification (30s and 10s) change, to keep the test short.
  const config = readFileSync(resolve(__dirname, '../examples/stack/alertmanager/alertmanager.yml'), 'utf8')
    .replaceAll('http://alert-webhook:8080/', `http://127.0.0.1:${webhookPort}/`)
    .replace(/group_wait: \d+s/g, 'group_wait: 1s');
  writeFileSync(join(dir, 'alertmanager.yml'), config);

  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  alertmanager = spawn(
    'prometheus-alertmanager',
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  alertmanager.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  alertmanager.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (alertmanager.exitCode !== null || Date.now() > deadline)
      throw new Error(`alertmanager did not start:\n${output}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) break;
    await sleep(200);
  }

  const model = { ml_model_name: 'iris-classifier' };
  const alerts = [
    { alertname: 'ModelAccuracyLow', severity: 'critical', ...model, ml_model_version: '1.0.0' },
    { alertname: 'ModelLowConfidenceShareHigh', severity: 'warning', ...model, ml_model_version: '1.0.0' },
    { alertname: 'ModelLowConfidenceShareHigh', severity: 'warning', ...model, ml_model_version: '1.1.0' },
  ];
  const res = await fetch(`${url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts.map((labels) => ({ labels, annotations: { summary: labels.alertname } }))),
  });
  expect(res.status).toBe(200);
});

afterAll(async () => {
  if (alertmanager && alertmanager.exitCode === null) {
    const gone = new Promise((done) => alertmanager.once('exit', done));
    alertmanager.kill('SIGTERM');
    await Promise.race([gone, sleep(5000)]);
  }
  await new Promise((done) => webhook?.close(done));
  rmSync(dir, { recursive: true, force: true });
});

async function waitForNotifications(count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (notifications.length < count) {
    if (Date.now() > deadline)
      throw new Error(`got ${JSON.stringify(notifications)}; alertmanager:\n${output.slice(-3000)}`);
    await sleep(200);
  }
}

it('suppresses a warning while a critical alert of the same model version fires', async () => {
  let states: Record<string, string> = {};
  const deadline = Date.now() + 15_000;
  do {
    await sleep(300);
    const alerts = (await (await fetch(`${url}/api/v2/alerts`)).json()) as {
      labels: Record<string, string>;
      status: { state: string; inhibitedBy: string[] };
    }[];
    states = Object.fromEntries(
      alerts.map((a) => [`${a.labels['severity']} ${a.labels['ml_model_version']}`, a.status.state]),
    );
  } while (states['warning 1.0.0'] !== 'suppressed' && Date.now() < deadline);
  expect(states).toEqual({ 'critical 1.0.0': 'active', 'warning 1.0.0': 'suppressed', 'warning 1.1.0': 'active' });
});

it('sends the critical alert to the critical webhook and only the uninhibited warning to the warning webhook', async () => {
  await waitForNotifications(2);
  await sleep(2000); // a wrongly routed or uninhibited alert would arrive by now
  const received = notifications.map(({ path, body }) => ({
    path,
    receiver: body.receiver,
    alerts: body.alerts.map((alert) => `${alert.labels['alertname']} ${alert.labels['ml_model_version']}`),
  }));
  expect(received.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
    { path: '/critical', receiver: 'webhook-critical', alerts: ['ModelAccuracyLow 1.0.0'] },
    { path: '/warning', receiver: 'webhook-warning', alerts: ['ModelLowConfidenceShareHigh 1.1.0'] },
  ]);
});
