import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertmanagerServer, startAlertmanager } from './support/alertmanager';
import { type ResponderProcess, startResponderProcess } from './support/responder-process';
import { waitUntil } from './support/wait-until';

// `modelsight respond` started as a process, fed by a real Alertmanager (Debian package
// prometheus-alertmanager) whose webhook receiver sends the responder's bearer token. The commands
// are small node scripts that write down the arguments they received.

const dir = mkdtempSync(join(tmpdir(), 'modelsight-respond-'));
const runs = join(dir, 'runs');
const RECORD = resolve(__dirname, 'fixtures/responder/record-argv.cjs');
const HANG = resolve(__dirname, 'fixtures/responder/hang-with-child.cjs');
const TOKEN = 'responder-test-token-0123456789';
const ADMIN_TOKEN = 'service-admin-token-abcdef';
/** Files an injected label would create, or a directory it would remove, if it ever reached a shell. */
const marker = join(dir, 'injected-marker');
const backtickMarker = join(dir, 'backtick-marker');
const victim = join(dir, 'victim');

const runsOf = (action: string): { args: string[] }[] => {
  const file = join(runs, `${action}.jsonl`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { args: string[] });
};

let responder: ResponderProcess;
let alertmanager: AlertmanagerServer;
let admin: Server;
const adminRequests: { url: string; authorization: string | undefined; body: unknown }[] = [];

const config = (adminPort: number) => `
listen: { host: 127.0.0.1, port: 0 }
token: { file: token }
maxBodyBytes: 65536
labels:
  ml_model_name: '[a-z0-9][a-z0-9-]*'
  ml_model_version: '[0-9]+\\.[0-9]+\\.[0-9]+'
  note: '.{1,200}'
  detail: '.{1,200}'
actions:
  retrain:
    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(RECORD)}, ${JSON.stringify(join(runs, 'retrain.jsonl'))}, --model, '{{ labels.ml_model_name }}', --version, '{{ labels.ml_model_version }}']
    timeout: 30s
    cooldown: 1h
  refresh:
    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(RECORD)}, ${JSON.stringify(join(runs, 'refresh.jsonl'))}]
    cooldown: 5s
  broken:
    command: [${JSON.stringify(process.execPath)}, -e, 'process.stderr.write("no model here"); process.exit(3)']
  stuck:
    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(HANG)}, ${JSON.stringify(join(dir, 'stuck-pids.json'))}]
    timeout: 3s
  quote:
    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(RECORD)}, ${JSON.stringify(join(runs, 'quote.jsonl'))}, '{{ labels.note }}', '{{ labels.detail }}']
  rollback:
    http:
      url: http://127.0.0.1:${adminPort}/admin/rollback
      bearerTokenEnv: SERVICE_ADMIN_TOKEN
      body: { model: '{{ labels.ml_model_name }}', version: '{{ labels.ml_model_version }}', reason: error_rate }
    timeout: 10s
  rollback-broken:
    http:
      url: http://127.0.0.1:${adminPort}/admin/broken
    timeout: 10s
  rollback-slow:
    http:
      url: http://127.0.0.1:${adminPort}/admin/slow
    timeout: 1s
  pipeline:
    pipeline:
      url: http://127.0.0.1:${adminPort}/pipeline
  long:
    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(HANG)}, ${JSON.stringify(join(dir, 'long-pids.json'))}]
    timeout: 1h
  silent:
    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(RECORD)}, ${JSON.stringify(join(runs, 'silent.jsonl'))}]
routes:
  - match: { alertname: ModelFeatureDriftShareHigh }
    actions: [retrain]
  - match: { alertname: CooldownProbe }
    actions: [refresh]
  - match: { alertname: BrokenProbe }
    actions: [broken]
  - match: { alertname: StuckProbe }
    actions: [stuck]
  - match: { alertname: InjectionProbe }
    actions: [quote]
  - match: { alertname: ModelCanaryErrorRateHigh, severity: critical }
    actions: [rollback]
  - match: { alertname: HttpFailureProbe }
    actions: [rollback-broken, rollback-slow]
  - match: { alertname: PipelineProbe }
    actions: [pipeline]
  - match: { alertname: LongProbe }
    actions: [long]
  - match: { alertname: NoTokenProbe }
    actions: [silent]
`;

const alertmanagerConfig = (url: string) => `
route:
  receiver: responder
  group_by: [alertname, ml_model_name, ml_model_version]
  group_wait: 200ms
  group_interval: 1s
  repeat_interval: 2s
  routes:
    - matchers: ['alertname="NoTokenProbe"']
      receiver: no-token
receivers:
  - name: responder
    webhook_configs:
      - url: ${url}/alerts
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials_file: ${join(dir, 'token')}
  - name: no-token
    webhook_configs:
      - url: ${url}/alerts
`;

const model = { ml_model_name: 'iris-classifier' };
/** A valid notification of a group routed to `silent`, for the requests Alertmanager does not send. */
const notification = JSON.stringify({
  version: '4',
  groupKey: '{}:{alertname="NoTokenProbe"}',
  status: 'firing',
  receiver: 'responder',
  groupLabels: { alertname: 'NoTokenProbe' },
  commonLabels: { alertname: 'NoTokenProbe' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager',
  alerts: [{ status: 'firing', labels: { alertname: 'NoTokenProbe' }, annotations: {} }],
});
const post = (body: string, authorization?: string) =>
  fetch(`${responder.url}/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body,
  });
const actions = (action: string, result: string) =>
  responder.metric('modelsight_responder_actions_total', `action="${action}",result="${result}"`);
const auditOf = (action: string) => responder.audit.filter((line) => line.action === action);
const describeState = () =>
  `audit:\n${responder.audit.map((line) => JSON.stringify(line)).join('\n')}\nresponder:\n${responder.stderr()}\nalertmanager:\n${alertmanager?.log().slice(-3000)}`;
/** Alive and not a zombie (an orphan whose parent in this container may never reap it). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

beforeAll(async () => {
  mkdirSync(runs);
  mkdirSync(victim);
  writeFileSync(join(victim, 'keep.txt'), 'still here');
  writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
  admin = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.url === '/admin/slow') return; // never answers
      if (request.url === '/admin/broken') {
        response.writeHead(500).end('no such version');
        return;
      }
      adminRequests.push({
        url: request.url ?? '',
        authorization: request.headers.authorization,
        body: JSON.parse(body),
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"rolledBack":true}');
    });
  });
  await new Promise<void>((done) => admin.listen(0, '127.0.0.1', done));
  const adminPort = (admin.address() as { port: number }).port;
  writeFileSync(join(dir, 'responses.yaml'), config(adminPort));
  responder = await startResponderProcess(join(dir, 'responses.yaml'), { SERVICE_ADMIN_TOKEN: ADMIN_TOKEN });
});

afterAll(async () => {
  await alertmanager?.stop();
  await responder?.stop();
  admin?.closeAllConnections();
  await new Promise((done) => admin?.close(done));
  rmSync(dir, { recursive: true, force: true });
});

describe('requests that run nothing', () => {
  it('answers 401 to a request without the token or with another one, and runs nothing', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', TOKEN, `Basic ${TOKEN}`]) {
      const res = await post(notification, authorization);
      expect(res.status, String(authorization)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect(await responder.metric('modelsight_responder_requests_total', 'code="401"')).toBe(4);
    expect(await responder.metric('modelsight_responder_notifications_total', 'status="firing"')).toBe(0);
    expect(runsOf('silent')).toEqual([]);
    expect(responder.audit).toEqual([]);
  });

  it('answers 400 to a body that is not a version 4 notification, and runs nothing', async () => {
    const valid = JSON.parse(notification) as Record<string, unknown>;
    const bad = [
      '',
      '{',
      '[]',
      JSON.stringify({ ...valid, version: '3' }),
      JSON.stringify({ ...valid, groupKey: 7 }),
      JSON.stringify({ ...valid, status: 'exploded' }),
      JSON.stringify({ ...valid, commonLabels: { alertname: ['NoTokenProbe'] } }),
      JSON.stringify({ ...valid, alerts: [] }),
      JSON.stringify({ ...valid, alerts: [{ labels: {} }] }),
    ];
    for (const body of bad) {
      const res = await post(body, `Bearer ${TOKEN}`);
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^not an Alertmanager webhook notification/);
    }
    expect(await responder.metric('modelsight_responder_requests_total', 'code="400"')).toBe(bad.length);
    expect(await responder.metric('modelsight_responder_notifications_total', 'status="firing"')).toBe(0);
    expect(runsOf('silent')).toEqual([]);
    expect(responder.audit).toEqual([]);
  });

  it('answers 413 to a body over maxBodyBytes, and runs nothing', async () => {
    const valid = JSON.parse(notification) as Record<string, unknown>;
    const res = await post(JSON.stringify({ ...valid, padding: 'x'.repeat(70_000) }), `Bearer ${TOKEN}`);
    expect(res.status).toBe(413);
    expect(await responder.metric('modelsight_responder_requests_total', 'code="413"')).toBe(1);
    expect(runsOf('silent')).toEqual([]);
  });
});

describe('alerts from a real Alertmanager', () => {
  beforeAll(async () => {
    alertmanager = await startAlertmanager(alertmanagerConfig(responder.url));
    await alertmanager.postAlerts([
      { labels: { alertname: 'ModelFeatureDriftShareHigh', ...model, ml_model_version: '1.0.0' } },
      { labels: { alertname: 'ModelFeatureDriftShareHigh', ...model, ml_model_version: '1.1.0' } },
      // Refused: not a version by the pattern of the allow-list, and a value that would be an option.
      { labels: { alertname: 'ModelFeatureDriftShareHigh', ...model, ml_model_version: '1.2.0; rm -rf /' } },
      { labels: { alertname: 'ModelFeatureDriftShareHigh', ...model, ml_model_version: '--help' } },
      { labels: { alertname: 'CooldownProbe' } },
      { labels: { alertname: 'BrokenProbe' } },
      { labels: { alertname: 'StuckProbe' } },
      {
        labels: {
          alertname: 'InjectionProbe',
          ml_model_version: '1.0.0',
          note: `$(touch ${marker})`,
          detail: `; rm -rf ${victim}`,
        },
      },
      {
        labels: {
          alertname: 'InjectionProbe',
          ml_model_version: '1.1.0',
          note: `\`touch ${backtickMarker}\``,
          detail: `" && touch ${backtickMarker} && echo "`,
        },
      },
      { labels: { alertname: 'ModelCanaryErrorRateHigh', severity: 'critical', ...model, ml_model_version: '1.1.0' } },
      { labels: { alertname: 'HttpFailureProbe' } },
      {
        labels: {
          alertname: 'PipelineProbe',
          ...model,
          ml_model_version: '2.0.0',
          // Not in the allow-list: stays out of what the pipeline receives.
          team: 'ml-platform',
        },
      },
      { labels: { alertname: 'NoTokenProbe' } },
    ]);
  });

  it('runs an action once per alert group while the group keeps firing', async () => {
    // Alertmanager repeats each group every 2 s: wait for repeats of both groups to be turned away.
    await waitUntil(
      async () => ((await actions('retrain', 'deduplicated')) >= 4 ? true : undefined),
      describeState,
      60_000,
    );
    expect(runsOf('retrain').map((run) => run.args)).toEqual(
      expect.arrayContaining([
        ['--model', 'iris-classifier', '--version', '1.0.0'],
        ['--model', 'iris-classifier', '--version', '1.1.0'],
      ]),
    );
    expect(runsOf('retrain')).toHaveLength(2);
    expect(await actions('retrain', 'succeeded')).toBe(2);
    const succeeded = auditOf('retrain').filter((line) => line.result === 'succeeded');
    expect(succeeded.map((line) => line.labels.ml_model_version).sort()).toEqual(['1.0.0', '1.1.0']);
    for (const line of succeeded) {
      expect(line).toMatchObject({ kind: 'command', alertname: 'ModelFeatureDriftShareHigh', exitCode: 0 });
      expect(line.groupKey).toContain('ml_model_version=');
      expect(line.ran.argv.slice(3)).toEqual(['--model', 'iris-classifier', '--version', line.labels.ml_model_version]);
      expect(line.durationMs).toBeGreaterThan(0);
    }
  });

  it('runs nothing for a label value its allow-list pattern refuses, or that starts with a dash', async () => {
    await waitUntil(
      async () => ((await actions('retrain', 'rejected')) >= 2 ? true : undefined),
      describeState,
      60_000,
    );
    const reasons = auditOf('retrain')
      .filter((line) => line.result === 'rejected')
      .map((line) => `${line.labels.ml_model_version}: ${line.reason}`);
    expect(reasons).toContain('1.2.0; rm -rf /: label ml_model_version does not match its pattern');
    expect(reasons).toContain('--help: label ml_model_version starts with "-"');
    expect(runsOf('retrain').flatMap((run) => run.args)).not.toContain('--help');
    expect(runsOf('retrain')).toHaveLength(2);
  });

  it('does not run an action again for a group that resolved and fires again within the cooldown', async () => {
    const resolvedBefore = await responder.metric('modelsight_responder_notifications_total', 'status="resolved"');
    const labels = { alertname: 'ModelFeatureDriftShareHigh', ...model, ml_model_version: '1.0.0' };
    await alertmanager.postAlerts([{ labels, endsAt: new Date(Date.now() - 1000).toISOString() }]);
    await waitUntil(
      async () =>
        (await responder.metric('modelsight_responder_notifications_total', 'status="resolved"')) > resolvedBefore
          ? true
          : undefined,
      describeState,
      60_000,
    );
    await alertmanager.postAlerts([{ labels, startsAt: new Date().toISOString() }]);
    await waitUntil(
      async () => ((await actions('retrain', 'cooled_down')) >= 1 ? true : undefined),
      describeState,
      60_000,
    );
    expect(runsOf('retrain')).toHaveLength(2);
    const cooled = auditOf('retrain').find((line) => line.result === 'cooled_down');
    expect(cooled?.labels.ml_model_version).toBe('1.0.0');
  });

  it('runs an action again for a group still firing once its cooldown has passed', async () => {
    await waitUntil(() => (runsOf('refresh').length >= 2 ? true : undefined), describeState, 60_000);
    const decided = auditOf('refresh').map((line) => ({ result: line.result, at: Date.parse(line.time) }));
    const ran = decided.filter((line) => line.result === 'succeeded').map((line) => line.at);
    expect(ran.length).toBeGreaterThanOrEqual(2);
    expect(ran[1]! - ran[0]!).toBeGreaterThanOrEqual(5000);
    // In between, the repeats of the group were turned away.
    expect(decided.some((line) => line.result === 'deduplicated' && line.at > ran[0]! && line.at < ran[1]!)).toBe(true);
  });

  it('logs and counts an action that fails', async () => {
    await waitUntil(async () => ((await actions('broken', 'failed')) >= 1 ? true : undefined), describeState, 60_000);
    expect(auditOf('broken')[0]).toMatchObject({ result: 'failed', exitCode: 3, stderr: 'no model here' });
    expect(await actions('broken', 'succeeded')).toBe(0);
  });

  it('stops an action past its timeout, with the processes it started, and logs and counts it', async () => {
    await waitUntil(async () => ((await actions('stuck', 'timed_out')) >= 1 ? true : undefined), describeState, 60_000);
    const line = auditOf('stuck').find((entry) => entry.result === 'timed_out');
    expect(line?.durationMs).toBeGreaterThanOrEqual(3000);
    expect(line?.durationMs).toBeLessThan(3000 + 2000 + 1000);
    const pids = JSON.parse(readFileSync(join(dir, 'stuck-pids.json'), 'utf8')) as number[];
    expect(pids).toHaveLength(2);
    await waitUntil(
      () => (pids.some(alive) ? undefined : true),
      () => `still alive: ${pids.filter(alive)}`,
      10_000,
    );
  });

  it('gives label values to a command only as whole, inert arguments', async () => {
    await waitUntil(() => (runsOf('quote').length >= 2 ? true : undefined), describeState, 60_000);
    expect(runsOf('quote').map((run) => run.args)).toEqual(
      expect.arrayContaining([
        [`$(touch ${marker})`, `; rm -rf ${victim}`],
        [`\`touch ${backtickMarker}\``, `" && touch ${backtickMarker} && echo "`],
      ]),
    );
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(backtickMarker)).toBe(false);
    expect(readFileSync(join(victim, 'keep.txt'), 'utf8')).toBe('still here');
  });

  it("calls a service's admin endpoint with the labels of the group in a JSON body and the service's token", async () => {
    await waitUntil(() => (adminRequests.length >= 1 ? true : undefined), describeState, 60_000);
    expect(adminRequests[0]).toEqual({
      url: '/admin/rollback',
      authorization: `Bearer ${ADMIN_TOKEN}`,
      body: { model: 'iris-classifier', version: '1.1.0', reason: 'error_rate' },
    });
    await waitUntil(async () => ((await actions('rollback', 'succeeded')) >= 1 ? true : undefined), describeState);
    const line = auditOf('rollback').find((entry) => entry.result === 'succeeded');
    expect(line).toMatchObject({ kind: 'http', httpStatus: 200, ran: { method: 'POST' } });
    expect(JSON.stringify(responder.audit)).not.toContain(ADMIN_TOKEN);
    expect(JSON.stringify(responder.audit)).not.toContain(TOKEN);
  });

  it('logs and counts a request that fails and one that times out', async () => {
    await waitUntil(
      async () =>
        (await actions('rollback-broken', 'failed')) >= 1 && (await actions('rollback-slow', 'timed_out')) >= 1
          ? true
          : undefined,
      describeState,
      60_000,
    );
    expect(auditOf('rollback-broken')[0]).toMatchObject({
      result: 'failed',
      httpStatus: 500,
      response: 'no such version',
    });
    const slow = auditOf('rollback-slow')[0];
    expect(slow).toMatchObject({ result: 'timed_out', ran: { method: 'POST' } });
    expect(slow?.durationMs).toBeGreaterThanOrEqual(1000);
  });

  it('posts the alert group to a pipeline with only the allow-listed labels', async () => {
    await waitUntil(() => adminRequests.find((r) => r.url === '/pipeline'), describeState, 60_000);
    const request = adminRequests.find((r) => r.url === '/pipeline')!;
    expect(request.authorization).toBeUndefined();
    expect(request.body).toMatchObject({
      action: 'pipeline',
      receiver: 'responder',
      status: 'firing',
      alerts: 1,
      labels: { ml_model_name: 'iris-classifier', ml_model_version: '2.0.0' },
    });
    expect(JSON.stringify(request.body)).not.toContain('ml-platform');
  });

  it('answers 401 to an Alertmanager receiver that sends no token, and runs nothing', async () => {
    await waitUntil(
      async () =>
        (await responder.metric('modelsight_responder_requests_total', 'code="401"')) >= 5 ? true : undefined,
      describeState,
      60_000,
    );
    expect(runsOf('silent')).toEqual([]);
    expect(auditOf('silent')).toEqual([]);
  });
});

it('ends the commands under way, with their children, when it is stopped', async () => {
  const valid = JSON.parse(notification) as Record<string, any>;
  const long = { ...valid, groupKey: '{}:{alertname="LongProbe"}', commonLabels: { alertname: 'LongProbe' } };
  expect((await post(JSON.stringify(long), `Bearer ${TOKEN}`)).status).toBe(200);
  const file = join(dir, 'long-pids.json');
  const pids = await waitUntil(
    () => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as number[]) : undefined),
    describeState,
  );
  expect(pids.every(alive)).toBe(true);
  await responder.stop();
  await waitUntil(
    () => (pids.some(alive) ? undefined : true),
    () => `still alive: ${pids.filter(alive)}`,
    10_000,
  );
});
