import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildProfile, psi, type DriftProfile } from '@modelsight/drift';
import { waitUntil } from '@modelsight/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, startPrometheus, type PrometheusServer } from './support/prometheus';

// The fleet PSI recording rule the stack loads (shipped with @modelsight/drift),
// evaluated by the real Prometheus over three replicas: three processes under the
// modelsight preload (real Prometheus exporter), each with a DriftMonitor fed a
// different share of shifted rows. The rule's value must be the PSI of the union
// of the rows the three observed.

const stack = resolve(__dirname, '../examples/stack');
const MODEL = { name: 'fleet-model', version: '2.0.0' };
const SHIFTED_SHARES = [0, 0.3, 0.9];
const ROWS_PER_REPLICA = [900, 600, 300];

// A replica: the preload's exporter serves /metrics; POST /observe feeds rows to the monitor.
const REPLICA_SOURCE = `
const { readFileSync } = require('node:fs');
const { createServer } = require('node:http');
const { DriftMonitor } = require(process.env.DRIFT_MODULE);
const profile = JSON.parse(readFileSync(process.env.PROFILE_PATH, 'utf8'));
const monitor = new DriftMonitor({ model: JSON.parse(process.env.MODEL), profile });
createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    for (const row of JSON.parse(body)) monitor.observe(row);
    response.end('ok');
  });
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
`;

interface Row {
  size: number;
  latency: number;
  colour: string;
}

let seed = 11;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const pick = (weights: Record<string, number>) => {
  let u = random();
  for (const [key, weight] of Object.entries(weights)) if ((u -= weight) < 0) return key;
  return Object.keys(weights)[0]!;
};
function row(shifted: boolean): Row {
  return shifted
    ? { size: 1.5 + gaussian(), latency: 5 + 8 * random(), colour: pick({ blue: 0.7, green: 0.2, red: 0.1 }) }
    : { size: gaussian(), latency: 10 * random(), colour: pick({ red: 0.5, green: 0.3, blue: 0.2 }) };
}

/** Bin of a value in a profile feature, as documented by @modelsight/drift (numpy searchsorted, side right). */
function binOf(feature: DriftProfile['features'][number], value: unknown): number {
  if (feature.type === 'numeric') return feature.edges.filter((edge) => edge <= (value as number)).length;
  const index = feature.categories.indexOf(String(value));
  return index === -1 ? feature.categories.length : index;
}

const dir = mkdtempSync(join(tmpdir(), 'modelsight-fleet-'));
const replicas: { process: ChildProcess; url: string; output: string }[] = [];
let prometheus: PrometheusServer;
let profile: DriftProfile;
const sentRows: Row[][] = [];

beforeAll(async () => {
  profile = buildProfile(
    Array.from({ length: 3000 }, () => row(false)),
    { features: ['size', 'latency', 'colour'] },
  );
  writeFileSync(join(dir, 'profile.json'), JSON.stringify(profile));
  writeFileSync(join(dir, 'replica.cjs'), REPLICA_SOURCE);

  const targets: string[] = [];
  for (let i = 0; i < 3; i++) {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['--require', '@modelsight/node/register', join(dir, 'replica.cjs')], {
      cwd: resolve(__dirname),
      env: {
        ...process.env,
        PORT: String(port),
        DRIFT_MODULE: require.resolve('@modelsight/drift'),
        PROFILE_PATH: join(dir, 'profile.json'),
        MODEL: JSON.stringify(MODEL),
        OTEL_SERVICE_NAME: `fleet-replica-${i}`,
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_METRICS_EXPORTER: 'prometheus',
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const replica = { process: child, url: `http://127.0.0.1:${port}`, output: '' };
    child.stdout?.on('data', (chunk: Buffer) => (replica.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (replica.output += chunk.toString()));
    replicas.push(replica);
    targets.push(`127.0.0.1:${metricsPort}`);
  }
  for (const [i, replica] of replicas.entries()) {
    await waitUntil(() => replica.output.includes('ready') || replica.process.exitCode !== null, {
      timeoutMs: 60_000,
      what: `replica ${i} to start:\n${replica.output}`,
    });
    if (replica.process.exitCode !== null) throw new Error(`replica ${i} did not start:\n${replica.output}`);
  }

  prometheus = await startPrometheus({
    targets,
    // The rules the stack loads: its own recording rules and the fleet PSI rules of @modelsight/drift.
    ruleFiles: [
      resolve(stack, 'prometheus/rules/modelsight-recording.rules.yml'),
      resolve(__dirname, '../packages/drift/prometheus/fleet-psi.rules.yml'),
    ],
    scrapeIntervalSeconds: 1,
  });
  // Every replica scraped once before any row: the rule sees each bin counter from 0.
  await prometheus.waitFor('count(count by (instance) (ml_drift_bin_total))', (s) => s[0]?.value[1] === '3');

  for (const [i, replica] of replicas.entries()) {
    const rows = Array.from({ length: ROWS_PER_REPLICA[i]! }, () => row(random() < SHIFTED_SHARES[i]!));
    sentRows.push(rows);
    const res = await fetch(`${replica.url}/observe`, { method: 'POST', body: JSON.stringify(rows) });
    expect(res.status).toBe(200);
  }
});

afterAll(async () => {
  await prometheus?.stop();
  for (const replica of replicas) {
    if (replica.process.exitCode === null) {
      const gone = new Promise((done) => replica.process.once('exit', done));
      replica.process.kill('SIGTERM');
      await Promise.race([
        gone,
        waitUntil(() => replica.process.exitCode !== null, { timeoutMs: 5000 }).catch(() => {}),
      ]);
      if (replica.process.exitCode === null) replica.process.kill('SIGKILL');
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

it('sees in Prometheus every row the three replicas observed', async () => {
  const total = ROWS_PER_REPLICA.reduce((a, b) => a + b, 0);
  const samples = await prometheus.waitFor(
    'sum by (ml_feature_name) (ml_drift_bin_total{ml_model_name="fleet-model"})',
    (answer) => answer.length === 3 && answer.every((sample) => Number(sample.value[1]) === total),
  );
  expect(samples.map((sample) => sample.metric['ml_feature_name']).sort()).toEqual(['colour', 'latency', 'size']);
});

it('records a fleet PSI equal to the PSI of the union of what the replicas observed', async () => {
  const total = ROWS_PER_REPLICA.reduce((a, b) => a + b, 0);
  // The rule's input, the per-bin sum over replicas, must first cover every row.
  await prometheus.waitFor(
    'ml_feature:ml_drift_bin:increase1h{ml_model_name="fleet-model"}',
    (answer) => answer.length === 3 && answer.every((sample) => Number(sample.value[1]) === total),
  );
  const union = sentRows.flat();
  const expectedPsi = new Map(
    profile.features.map((feature) => {
      const counts = new Array<number>(feature.proportions.length).fill(0);
      for (const r of union) counts[binOf(feature, r[feature.name as keyof Row])]! += 1;
      return [feature.name, psi(feature.proportions, counts)];
    }),
  );
  // The recorded PSI follows its input at the group's next evaluation: wait for it to cover every row.
  const recorded = await prometheus.waitFor(
    'ml_feature:ml_drift_psi:fleet1h{ml_model_name="fleet-model"}',
    (answer) =>
      answer.length === 3 &&
      answer.every(
        (sample) =>
          Math.abs(Number(sample.value[1]) - (expectedPsi.get(sample.metric['ml_feature_name'] ?? '') ?? NaN)) < 1e-6,
      ),
  );
  expect(recorded).toHaveLength(3);
  for (const feature of profile.features) {
    const expected = expectedPsi.get(feature.name)!;
    const sample = recorded.find((s) => s.metric['ml_feature_name'] === feature.name);
    expect(sample?.metric).toMatchObject({ ml_model_name: MODEL.name, ml_model_version: MODEL.version });
    expect(
      Math.abs(Number(sample!.value[1]) - expected),
      `${feature.name}: ${sample!.value[1]} vs ${expected}`,
    ).toBeLessThan(1e-6);

    // The union's PSI is none of the replicas' own: the rule really pools them.
    for (const rows of sentRows) {
      const own = new Array<number>(feature.proportions.length).fill(0);
      for (const r of rows) own[binOf(feature, r[feature.name as keyof Row])]! += 1;
      expect(Math.abs(psi(feature.proportions, own) - expected), feature.name).toBeGreaterThan(0.01);
    }
  }
});
