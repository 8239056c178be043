import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildProfile } from '@modelsight/drift';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startPrometheus, type PrometheusServer } from './support/prometheus';

// Every query of the Grafana dashboard, run by the real Prometheus against a real
// model service under the modelsight preload, after real HTTP traffic: each must
// parse and return data. Prometheus loads the stack's rules (its own and the fleet
// PSI rules of @modelsight/drift), so the panels that read recording rules (fleet
// PSI) are checked too. Two services:
//  - the iris example service, as the stack runs it;
//  - a small service wiring every monitor modelsight has (traced() with a
//    DriftMonitor and a FeedbackTracker as observers), so that each panel is
//    also checked against the real shape of the drift and feedback metrics.

const root = resolve(__dirname, '..');
const stack = resolve(root, 'examples/stack');
// The fleet PSI rules: shipped with @modelsight/drift, mounted by the stack next to its own.
const driftRules = resolve(root, 'packages/drift/prometheus/fleet-psi.rules.yml');
const dashboard = JSON.parse(readFileSync(resolve(stack, 'grafana/dashboards/modelsight-model-service.json'), 'utf8'));
const JOB = 'modelsight'; // the job name test/support/prometheus.ts gives its target
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The dashboard's queries with the Grafana variables replaced as Grafana would. */
function panelQueries(model: string, version: string) {
  return (dashboard.panels as any[])
    .filter((panel) => panel.type !== 'row')
    .flatMap((panel) =>
      (panel.targets as any[]).map((target) => ({
        title: `${panel.title} (${target.refId})`,
        expr: (target.expr as string)
          .replaceAll('$__rate_interval', '1m')
          .replaceAll('$job', JOB)
          .replaceAll('$model', model)
          .replaceAll('$version', version),
      })),
    );
}

// Deterministic iris-like rows (Fisher's per-species means and deviations); a
// share of them shifted so the drift statistics and the confidence move.
const SPECIES = [
  { name: 'setosa', mean: [5.01, 3.43, 1.46, 0.25], std: [0.35, 0.38, 0.17, 0.11] },
  { name: 'versicolor', mean: [5.94, 2.77, 4.26, 1.33], std: [0.52, 0.31, 0.47, 0.2] },
  { name: 'virginica', mean: [6.59, 2.97, 5.55, 2.03], std: [0.64, 0.32, 0.55, 0.27] },
];
const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] as const;
let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
function row(shifted: boolean) {
  const species = SPECIES[Math.floor(random() * 3)]!;
  const features: Record<string, number> = {};
  FEATURES.forEach((name, i) => {
    const value = species.mean[i]! + species.std[i]! * gaussian() + (shifted ? [0.4, -0.6, 1.2, 0.4][i]! : 0);
    features[name] = Math.round(Math.max(0.1, value) * 100) / 100;
  });
  return { label: species.name, features };
}

// A model service with every monitor: nearest species centroid, softmax of the
// negative distances as probabilities; POST /predict, POST /feedback and POST /outcome.
const FULLY_MONITORED_SERVICE = `
const { readFileSync } = require('node:fs');
const { createServer } = require('node:http');
const { traced, FeedbackTracker } = require(process.env.CORE_MODULE);
const { DriftMonitor } = require(process.env.DRIFT_MODULE);
const model = { name: 'centroid-classifier', version: '2.0.0' };
const centroids = JSON.parse(process.env.CENTROIDS);
const drift = new DriftMonitor({ model, profile: JSON.parse(readFileSync(process.env.PROFILE_PATH, 'utf8')) });
const feedback = new FeedbackTracker({ model, labels: Object.keys(centroids), outcomes: ['conversion', 'purchase'] });
function classify(features) {
  const scores = Object.entries(centroids).map(([label, centre]) =>
    [label, Math.exp(-Object.keys(centre).reduce((d, k) => d + (features[k] - centre[k]) ** 2, 0))]);
  const total = scores.reduce((sum, [, s]) => sum + s, 0);
  const [label, best] = scores.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { label, confidence: best / total };
}
const predict = traced(classify, { model, features: (features) => features, observers: [drift, feedback] });
createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    const input = JSON.parse(body || '{}');
    let answer;
    if (request.url === '/predict') {
      const values = Object.values(input.features ?? {});
      if (values.length !== 4 || !values.every(Number.isFinite)) {
        response.writeHead(400).end();
        return;
      }
      const { result, prediction } = predict.withPrediction(input.features);
      answer = { ...result, predictionId: prediction.predictionId };
    } else if (request.url === '/feedback') {
      answer = { outcome: feedback.recordFeedback(input.predictionId, input.label) };
    } else if (request.url === '/outcome') {
      answer = { outcome: feedback.recordOutcome(input.predictionId, input.name, input.value ?? 1) };
    } else {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

interface ServiceUnderTest {
  title: string;
  model: string;
  version: string;
  /** The script to run under the preload, its working directory and extra environment. */
  prepare(dir: string): { script: string; cwd: string; env: Record<string, string> };
}

const services: ServiceUnderTest[] = [
  {
    title: 'the iris example service',
    model: 'iris-classifier',
    version: '1.0.0',
    prepare: () => {
      const cwd = resolve(root, 'examples/iris-service');
      const script = resolve(cwd, 'dist/server.cjs');
      if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build first`);
      return {
        script,
        cwd,
        env: { MODEL_NAME: 'iris-classifier', MODEL_VERSION: '1.0.0', PREDICTION_LOG_SAMPLE_RATE: '0' },
      };
    },
  },
  {
    title: 'a service with drift and feedback monitors',
    model: 'centroid-classifier',
    version: '2.0.0',
    prepare: (dir) => {
      const reference = Array.from({ length: 1500 }, () => row(false).features);
      writeFileSync(join(dir, 'profile.json'), JSON.stringify(buildProfile(reference)));
      writeFileSync(join(dir, 'service.cjs'), FULLY_MONITORED_SERVICE);
      const centroids = Object.fromEntries(
        SPECIES.map((s) => [s.name, Object.fromEntries(FEATURES.map((name, i) => [name, s.mean[i]]))]),
      );
      return {
        script: join(dir, 'service.cjs'),
        cwd: __dirname,
        env: {
          CORE_MODULE: require.resolve('@modelsight/core'),
          DRIFT_MODULE: require.resolve('@modelsight/drift'),
          PROFILE_PATH: join(dir, 'profile.json'),
          CENTROIDS: JSON.stringify(centroids),
        },
      };
    },
  },
];

for (const service of services) {
  describe(`the dashboard on ${service.title}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelsight-dashboard-'));
    const queries = panelQueries(service.model, service.version);
    let child: ChildProcess;
    let output = '';
    let prometheus: PrometheusServer;
    let predictionsSent = 0;

    beforeAll(async () => {
      const { script, cwd, env } = service.prepare(dir);
      const [port, metricsPort] = [await freePort(), await freePort()];
      const baseUrl = `http://127.0.0.1:${port}`;
      child = spawn(process.execPath, ['--require', '@modelsight/node/register', script], {
        cwd,
        env: {
          ...process.env,
          ...env,
          HOST: '127.0.0.1',
          PORT: String(port),
          OTEL_SERVICE_NAME: service.model,
          OTEL_TRACES_EXPORTER: 'none',
          OTEL_METRICS_EXPORTER: 'prometheus',
          OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
          OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000)));
      child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000)));

      const deadline = Date.now() + 60_000;
      for (;;) {
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error(`${service.title} did not start:\n${output}`);
        const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(
          (res) => res.ok,
          () => false,
        );
        const listening = await fetch(`${baseUrl}/`).then(
          () => true,
          () => false,
        );
        if (scraped && listening) break;
        await sleep(200);
      }

      prometheus = await startPrometheus({
        targets: [`127.0.0.1:${metricsPort}`],
        ruleFiles: [
          resolve(stack, 'prometheus/rules/modelsight-recording.rules.yml'),
          resolve(stack, 'prometheus/rules/modelsight-alerts.rules.yml'),
          driftRules,
        ],
        scrapeIntervalSeconds: 1,
      });
      await prometheus.waitFor(`up{job="${JOB}"} == 1`);

      const post = async (path: string, body: unknown) => {
        const res = await fetch(`${baseUrl}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, text };
      };
      // Six seconds of traffic (about six scrapes): predictions, a third of them
      // shifted, the true species sent back for half of them, a conversion for a third
      // (reported twice for a ninth), a purchase for a sixth, a malformed request.
      const until = Date.now() + 6000;
      while (Date.now() < until) {
        await Promise.all(
          Array.from({ length: 10 }, (_, i) => row(i % 3 === 0)).map(async ({ label, features }) => {
            const { status, text } = await post('/predict', { features });
            expect(status, text).toBe(200);
            predictionsSent++;
            const { predictionId } = JSON.parse(text) as { predictionId?: string };
            if (predictionsSent % 2 === 0 && predictionId) await post('/feedback', { predictionId, label });
            if (predictionsSent % 3 === 0 && predictionId) await post('/outcome', { predictionId, name: 'conversion' });
            if (predictionsSent % 9 === 0 && predictionId) await post('/outcome', { predictionId, name: 'conversion' });
            if (predictionsSent % 6 === 0 && predictionId)
              await post('/outcome', { predictionId, name: 'purchase', value: 12.5 });
          }),
        );
        await post('/predict', { features: { sepal_length: 'wide' } });
        await sleep(100);
      }
    });

    afterAll(async () => {
      await prometheus?.stop();
      if (child && child.exitCode === null) {
        const gone = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await Promise.race([gone, sleep(5000)]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    });

    it('has every Grafana variable replaced in the queries it runs', () => {
      expect(queries.length).toBeGreaterThanOrEqual(20);
      for (const { title, expr } of queries) expect(expr, title).not.toMatch(/\$\w/);
    });

    it('has every panel query accepted by Prometheus', async () => {
      const refused: string[] = [];
      for (const { title, expr } of queries) {
        await prometheus.query(expr).catch((error: Error) => refused.push(`${title}: ${error.message}`));
      }
      expect(refused).toEqual([]);
    });

    it('has every panel query return data once the service has served traffic', async () => {
      let empty: string[] = [];
      const deadline = Date.now() + 20_000;
      do {
        empty = [];
        for (const { title, expr } of queries) {
          if ((await prometheus.query(expr)).length === 0) empty.push(`${title}: ${expr}`);
        }
        if (empty.length === 0) break;
        await sleep(1000);
      } while (Date.now() < deadline);
      expect(empty, `service output:\n${output.slice(-1500)}`).toEqual([]);
    });

    it('has every recording rule of the stack produce a series from the service', async () => {
      const records = [resolve(stack, 'prometheus/rules/modelsight-recording.rules.yml'), driftRules].flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/- record: (\S+)/g)].map((match) => match[1]!),
      );
      expect(records.length).toBe(23);
      expect(records).toContain('ml_feature:ml_drift_psi:fleet1h');
      let missing: string[] = [];
      const deadline = Date.now() + 20_000;
      do {
        missing = [];
        for (const record of records) if ((await prometheus.query(record)).length === 0) missing.push(record);
        if (missing.length === 0) break;
        await sleep(1000);
      } while (Date.now() < deadline);
      expect(missing).toEqual([]);
    });

    it('lists the served model and version in the dashboard variables', async () => {
      // label_values(metric, label) of the Grafana variables, as a PromQL query.
      const definition = (name: string) =>
        dashboard.templating.list.find((item: any) => item.name === name).definition as string;
      for (const [name, expected] of [
        ['job', JOB],
        ['model', service.model],
        ['version', service.version],
      ] as const) {
        const match = /^label_values\((.+), (\w+)\)$/.exec(
          definition(name).replaceAll('$job', JOB).replaceAll('$model', service.model),
        );
        const samples = await prometheus.query(`group by (${match![2]}) (${match![1]})`);
        expect(samples.map((sample) => sample.metric[match![2]!])).toEqual([expected]);
      }
    });

    it('counts on the predictions panel every prediction the service answered', async () => {
      const query = `sum(ml_predictions_total{ml_model_name="${service.model}",ml_model_version="${service.version}",ml_prediction_status="ok"})`;
      const samples = await prometheus.waitFor(query, (answer) => Number(answer[0]?.value[1]) === predictionsSent);
      expect(Number(samples[0]!.value[1])).toBe(predictionsSent);
    });
  });
}
