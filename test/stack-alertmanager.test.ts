import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AlertmanagerServer, startAlertmanager } from './support/alertmanager';
import { freePort } from './support/prometheus';
import { waitUntil } from './support/wait-until';

// The stack's Alertmanager config run by the real Alertmanager (Debian package
// prometheus-alertmanager): alerts posted to its API must reach the webhook of
// their severity, and a critical must silence the warnings of its model version.

interface Notification {
  receiver: string;
  alerts: { status: string; labels: Record<string, string> }[];
}

const notifications: { path: string; authorization: string | undefined; body: Notification }[] = [];
let webhook: Server;
let alertmanager: AlertmanagerServer;
/** The token the stack's receivers send, read from the file they name. */
const TOKEN = 'stack-test-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'modelsight-stack-alertmanager-'));

beforeAll(async () => {
  webhook = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      notifications.push({
        path: request.url ?? '',
        authorization: request.headers.authorization,
        body: JSON.parse(body) as Notification,
      });
      response.writeHead(200).end();
    });
  });
  const webhookPort = await freePort();
  await new Promise<void>((done) => webhook.listen(webhookPort, '127.0.0.1', done));

  // Same routes, receivers and inhibition; only the webhook address, the token file and the
  // waits before the first notification (30s and 10s) change, to keep the test short.
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, TOKEN);
  const config = readFileSync(resolve(__dirname, '../examples/stack/alertmanager/alertmanager.yml'), 'utf8')
    .replaceAll('http://responder:9095/', `http://127.0.0.1:${webhookPort}/`)
    .replaceAll('/run/secrets/responder-token', tokenFile)
    .replace(/group_wait: \d+s/g, 'group_wait: 1s');
  alertmanager = await startAlertmanager(config, { debug: true });

  const model = { ml_model_name: 'iris-classifier' };
  const alerts = [
    { alertname: 'ModelAccuracyLow', severity: 'critical', ...model, ml_model_version: '1.0.0' },
    { alertname: 'ModelLowConfidenceShareHigh', severity: 'warning', ...model, ml_model_version: '1.0.0' },
    { alertname: 'ModelLowConfidenceShareHigh', severity: 'warning', ...model, ml_model_version: '1.1.0' },
  ];
  await alertmanager.postAlerts(alerts.map((labels) => ({ labels, annotations: { summary: labels.alertname } })));
});

afterAll(async () => {
  await alertmanager?.stop();
  await new Promise((done) => webhook?.close(done));
  rmSync(dir, { recursive: true, force: true });
});

it('suppresses a warning while a critical alert of the same model version fires', async () => {
  const states = await waitUntil(
    async () => {
      const alerts = (await (await fetch(`${alertmanager.url}/api/v2/alerts`)).json()) as {
        labels: Record<string, string>;
        status: { state: string; inhibitedBy: string[] };
      }[];
      const found = Object.fromEntries(
        alerts.map((a) => [`${a.labels['severity']} ${a.labels['ml_model_version']}`, a.status.state]),
      );
      return found['warning 1.0.0'] === 'suppressed' ? found : undefined;
    },
    () => `the warning of 1.0.0 was never suppressed:\n${alertmanager.log().slice(-3000)}`,
    15_000,
  );
  expect(states).toEqual({ 'critical 1.0.0': 'active', 'warning 1.0.0': 'suppressed', 'warning 1.1.0': 'active' });
});

it('sends the critical alert to the critical webhook and only the uninhibited warning to the warning webhook', async () => {
  // Every group flushed once (the next flush is group_interval, 5 minutes, away) and its
  // notifications attempted: a wrongly routed or uninhibited alert would be among them.
  await waitUntil(
    async () => {
      const flushed = alertmanager.log().match(/msg=flushing/g)?.length ?? 0;
      const attempts = await alertmanager.metric('alertmanager_notifications_total', 'integration="webhook"');
      return flushed >= 3 && notifications.length >= attempts && attempts >= 2 ? true : undefined;
    },
    () => `got ${JSON.stringify(notifications)}; alertmanager:\n${alertmanager.log().slice(-3000)}`,
  );
  expect(await alertmanager.metric('alertmanager_notifications_total', 'integration="webhook"')).toBe(2);
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

it("sends the responder's bearer token from the file the stack mounts", () => {
  expect(notifications.length).toBeGreaterThan(0);
  for (const notification of notifications) expect(notification.authorization).toBe(`Bearer ${TOKEN}`);
});
