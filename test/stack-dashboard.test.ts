import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, startPrometheus, type PrometheusServer } from './support/prometheus';

// Every query of the Grafana dashboard, run by the real Prometheus against the
// real iris service under the modelsight preload, after real HTTP traffic:
// each must parse and return data. Prometheus loads the stack's rules, so the
// panels reading recording rules (fleet PSI) are checked too.

const root = resolve(__dirname, '..');
const irisDir = resolve(root, 'examples/iris-service');
const stack = resolve(root, 'examples/stack');
const dashboard = JSON.parse(readFileSync(resolve(stack, 'grafana/dashboards/modelsight-model-service.json'), 'utf8'));

const MODEL = 'iris-classifier';
const VERSION = '1.0.0';
const JOB = 'modelsight'; // the job name test/support/prometheus.ts gives its target

/** The dashboard's queries with the Grafana variables replaced as Grafana would. */
const panelQueries = (dashboard.panels as any[])
  .filter((panel) => panel.type !== 'row')
  .flatMap((panel) =>
    (panel.targets as any[]).map((target) => ({
      title: `${panel.title} (${target.refId})`,
      expr: (target.expr as string)
        .replaceAll('$__rate_interval', '1m')
        .replaceAll('$job', JOB)
        .replaceAll('$model', MODEL)
        .replaceAll('$version', VERSION),
    })),
  );

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

// Deterministic iris-like rows (Fisher's per-species means and deviations); a
// share of them shifted so the drift statistics and the confidence move.
const SPECIES = [
  { name: 'setosa', mean: [5.01, 3.43, 1.46, 0.25], std: [0.35, 0.38, 0.17, 0.11] },
  { name: 'versicolor', mean: [5.94, 2.77, 4.26, 1.33], std: [0.52, 0.31, 0.47, 0.2] },
  { name: 'virginica', mean: [6.59, 2.97, 5.55, 2.03], std: [0.64, 0.32, 0.55, 0.27] },
];
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
function row(shifted: boolean) {
  const species = SPECIES[Math.floor(random() * 3)]!;
  const values = species.mean.map((mean, i) => mean + species.std[i]! * gaussian() + (shifted ? [0.4, -0.6, 1.2, 0.4][i]! : 0));
  const [sepal_length, sepal_width, petal_length, petal_width] = values.map((v) => Math.round(Math.max(0.1, v) * 100) / 100);
  return { label: species.name, features: { sepal_length, sepal_width, petal_length, petal_width } };
}

let service: ChildProcess;
let serviceOutput = '';
let prometheus: PrometheusServer;
let baseUrl = '';
let predictionsSent = 0;

async function post(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

beforeAll(async () => {
  const server = resolve(irisDir, 'dist/server.cjs');
  if (!existsSync(server)) throw new Error(`${server} is missing: run npm run build first`);
  const [port, metricsPort] = [await freePort(), await freePort()];
  baseUrl = `http://127.0.0.1:${port}`;
  service = spawn(process.execPath, ['--require', '@modelsight/node/register', server], {
    cwd: irisDir,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      OTEL_SERVICE_NAME: 'iris-service',
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      PREDICTION_LOG_SAMPLE_RATE: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  service.stdout?.on('data', (chunk: Buffer) => (serviceOutput = (serviceOutput + chunk.toString()).slice(-8000)));
  service.stderr?.on('data', (chunk: Buffer) => (serviceOutput = (serviceOutput + chunk.toString()).slice(-8000)));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (service.exitCode !== null || Date.now() > deadline) throw new Error(`iris service did not start:\n${serviceOutput}`);
    const up = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((res) => res.ok, () => false);
    const listening = await fetch(`${baseUrl}/health`).then(() => true, () => false);
    if (up && listening) break;
    await sleep(200);
  }

  prometheus = await startPrometheus({
    targets: [`127.0.0.1:${metricsPort}`],
    ruleFiles: [
      resolve(stack, 'prometheus/rules/modelsight-recording.rules.yml'),
      resolve(stack, 'prometheus/rules/modelsight-alerts.rules.yml'),
    ],
    scrapeIntervalSeconds: 1,
  });
  await prometheus.waitFor(`up{job="${JOB}"} == 1`);

  // Eight seconds of traffic (about 8 scrapes): predictions, a third of them
  // shifted, feedback for half of them, and a few malformed requests.
  const until = Date.now() + 8000;
  while (Date.now() < until) {
    const batch = Array.from({ length: 10 }, (_, i) => row(i % 3 === 0));
    await Promise.all(
      batch.map(async ({ label, features }) => {
        const { status, json } = await post('/predict', { features });
        expect(status, JSON.stringify(json)).toBe(200);
        predictionsSent++;
        if (predictionsSent % 2 === 0 && json.predictionId) await post('/feedback', { predictionId: json.predictionId, label });
      }),
    );
    await post('/predict', { features: { sepal_length: 'wide' } });
    await sleep(100);
  }
});

afterAll(async () => {
  await prometheus?.stop();
  if (service && service.exitCode === null) {
    const gone = new Promise((done) => service.once('exit', done));
    service.kill('SIGTERM');
    await Promise.race([gone, sleep(5000)]);
    if (service.exitCode === null) service.kill('SIGKILL');
  }
});

it('has every Grafana variable replaced in the queries it runs', () => {
  expect(panelQueries.length).toBeGreaterThanOrEqual(20);
  for (const { title, expr } of panelQueries) expect(expr, title).not.toMatch(/\$\w/);
});

it('has every panel query accepted by Prometheus', async () => {
  const refused: string[] = [];
  for (const { title, expr } of panelQueries) {
    await prometheus.query(expr).catch((error: Error) => refused.push(`${title}: ${error.message}`));
  }
  expect(refused).toEqual([]);
});

it('has every panel query return data once the service has served traffic', async () => {
  let empty: string[] = [];
  const deadline = Date.now() + 30_000;
  do {
    empty = [];
    for (const { title, expr } of panelQueries) {
      if ((await prometheus.query(expr)).length === 0) empty.push(`${title}: ${expr}`);
    }
    if (empty.length === 0) break;
    await sleep(1000);
  } while (Date.now() < deadline);
  expect(empty, `service output:\n${serviceOutput.slice(-2000)}`).toEqual([]);
});

it('lists the served model and version in the dashboard variables', async () => {
  // label_values(metric, label) of the Grafana variables, as a PromQL query.
  const variable = (name: string) => dashboard.templating.list.find((item: any) => item.name === name).definition as string;
  const asQuery = (definition: string) => {
    const match = /^label_values\((.+), (\w+)\)$/.exec(definition.replaceAll('$job', JOB).replaceAll('$model', MODEL));
    return { query: `group by (${match![2]}) (${match![1]})`, label: match![2]! };
  };
  for (const [name, expected] of [['job', JOB], ['model', MODEL], ['version', VERSION]] as const) {
    const { query, label } = asQuery(variable(name));
    const samples = await prometheus.query(query);
    expect(samples.map((sample) => sample.metric[label])).toEqual([expected]);
  }
});

it('counts on the predictions panel every prediction the service answered', async () => {
  const samples = await prometheus.waitFor(
    `sum(ml_predictions_total{ml_model_name="${MODEL}",ml_model_version="${VERSION}",ml_prediction_status="ok"})`,
    (answer) => Number(answer[0]?.value[1]) === predictionsSent,
  );
  expect(Number(samples[0]!.value[1])).toBe(predictionsSent);
});
