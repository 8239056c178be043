#!/usr/bin/env node
// `npm run demo`: starts two versions of the iris service under the modelsight preload, sends them
// about a minute of traffic (errors, low-confidence flowers, a phase of shifted inputs), then reports
// what modelsight saw: metrics from /metrics, spans received over OTLP/HTTP, correlated log lines.
// `--smoke` runs it for 10 s and exits non-zero when something was not seen. `--duration <s>`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { startOtlpReceiver } from './lib/otlp-receiver.mjs';
import { bucketsOf, histogramQuantile, scrape, sumOf } from './lib/prometheus-text.mjs';
import { prometheusOnPath, startPrometheus } from './lib/prometheus-server.mjs';
import { freePort, startService } from './lib/service-process.mjs';
import { logLine, millis, pct, seconds, table } from './lib/format.mjs';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const durationIndex = args.indexOf('--duration');
const durationSeconds = durationIndex >= 0 ? Number(args[durationIndex + 1]) : smoke ? 10 : 60;
if (!(durationSeconds > 0)) fail(`--duration must be a positive number of seconds, got ${args[durationIndex + 1]}`);
const durationMs = durationSeconds * 1000;
const ratePerSecond = 25;
const shiftStart = 0.4 * durationMs;
const shiftEnd = 0.75 * durationMs;
const phaseOf = (elapsed) => (elapsed >= shiftStart && elapsed < shiftEnd ? 'shifted' : 'normal');

const serviceDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const MODEL = 'iris-classifier';

function fail(message) {
  console.error(`demo: ${message}`);
  process.exit(1);
}

for (const file of ['dist/server.cjs', 'dist/server.mjs', 'dist/seeded-random.mjs']) {
  if (!existsSync(join(serviceDir, file))) fail(`${file} is missing: run "npm run build" at the repository root first`);
}
// Loaded after the check above: the traffic draws from the service's built random generator.
const { CONVERSION_CHANCE, SHIFT_IN_STD, driveTraffic } = await import('./lib/traffic.mjs');

/** The ESM entry of the preload, if the installed @modelsight/node has one. */
function esmPreloadAvailable() {
  try {
    const require = createRequire(join(serviceDir, 'package.json'));
    const manifestPath = require.resolve('@modelsight/node/package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const target = manifest.exports?.['./register']?.import?.default ?? manifest.exports?.['./register']?.import;
    return typeof target === 'string' && existsSync(join(dirname(manifestPath), target));
  } catch {
    return false;
  }
}

const userEndpoint = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
const receiver = userEndpoint ? undefined : await startOtlpReceiver();
const esm = esmPreloadAvailable();

// 1.0.0 shares its single predictions with a canary, 1.0.1, deliberately broken on a quarter of its
// inputs: the guard of modelVersions() rolls it back once each version has made CANARY_MIN_CALLS calls.
const CANARY = { version: '1.0.1', share: 0.3, errorRate: 0.25, minCalls: smoke ? 30 : 100 };
const versions = [
  {
    version: '1.0.0',
    weight: 0.7,
    entry: 'dist/server.cjs',
    preloadFlag: '--require',
    env: {
      CANARY_VERSION: CANARY.version,
      CANARY_SHARE: String(CANARY.share),
      CANARY_ERROR_RATE: String(CANARY.errorRate),
      CANARY_MIN_CALLS: String(CANARY.minCalls),
    },
  },
  {
    version: '1.1.0',
    weight: 0.3,
    entry: esm ? 'dist/server.mjs' : 'dist/server.cjs',
    preloadFlag: esm ? '--import' : '--require',
    env: { TRAIN_EPOCHS: '600', TRAIN_LEARNING_RATE: '1', TRAIN_SEED: '7' },
  },
];

const services = [];
const cleanup = async () => {
  await Promise.all(services.map((service) => service.stop(5000)));
};
process.on('SIGINT', () => {
  cleanup().finally(() => process.exit(130));
});
// Whatever happens to the demo, no service is left running behind it.
let prometheus;
process.on('exit', () => {
  services.forEach((service) => service.killNow());
  prometheus?.killNow();
});

for (const v of versions) v.metricsPort = await freePort();
try {
  services.push(
    ...(await Promise.all(
      versions.map((v) =>
        startService({
          cwd: serviceDir,
          entry: v.entry,
          preloadFlag: v.preloadFlag,
          label: `iris-service ${v.version}`,
          env: {
            PORT: '0',
            HOST: '127.0.0.1',
            MODEL_NAME: MODEL,
            MODEL_VERSION: v.version,
            OTEL_SERVICE_NAME: 'iris-service',
            OTEL_TRACES_EXPORTER: 'otlp',
            OTEL_METRICS_EXPORTER: 'prometheus',
            OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
            OTEL_EXPORTER_PROMETHEUS_PORT: String(v.metricsPort),
            OTEL_BSP_SCHEDULE_DELAY: '500',
            ...(receiver
              ? { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }
              : {}),
            ...v.env,
          },
        }),
      ),
    )),
  );
} catch (error) {
  await cleanup();
  await receiver?.close();
  fail(error.message);
}
versions.forEach((v, i) => {
  v.service = services[i];
  v.url = services[i].url;
  v.metricsUrl = `http://127.0.0.1:${v.metricsPort}/metrics`;
  v.trained = services[i].lines.find((line) => line.msg === 'model trained');
});

prometheus =
  !smoke && prometheusOnPath()
    ? await startPrometheus(versions.map((v) => `127.0.0.1:${v.metricsPort}`)).catch((error) => {
        console.log(`  (prometheus found on PATH but not started: ${error.message})`);
        return undefined;
      })
    : undefined;

console.log(`\nmodelsight demo: ${MODEL} in two versions, each under the modelsight preload\n`);
console.log(
  table(
    versions.map((v) => [
      v.version,
      `node ${v.preloadFlag} @modelsight/node/register ${v.entry}`,
      v.url,
      `test accuracy ${v.trained ? `${(100 * v.trained.test_accuracy).toFixed(1)}%` : '?'}`,
    ]),
  ),
);
if (!esm) console.log('  (the preload has no ESM entry here, so 1.1.0 runs the CommonJS build too)');
console.log(
  receiver
    ? `  spans: OTLP/HTTP receiver of this demo at ${receiver.endpoint} (set OTEL_EXPORTER_OTLP_ENDPOINT to send them to Jaeger)`
    : `  spans: sent to ${userEndpoint} (OTEL_EXPORTER_OTLP_*ENDPOINT); failed and slow requests below come from the responses`,
);
if (prometheus) console.log(`  prometheus: ${prometheus.url}, scraping both services every 2 s`);
const shiftText = Object.entries(SHIFT_IN_STD)
  .filter(([, s]) => s !== 0)
  .map(([name, s]) => `${name} +${s} std`)
  .join(', ');
console.log(
  `\nTraffic: ${durationSeconds} s at ${ratePerSecond} requests/s, ${versions.map((v) => `${v.weight * 100}% to ${v.version}`).join(', ')}; ` +
    `shifted inputs (${shiftText}) from ${Math.round(shiftStart / 1000)} s to ${Math.round(shiftEnd / 1000)} s`,
);
console.log(
  `Canary: inside 1.0.0's service, ${CANARY.version} takes ${CANARY.share * 100}% of its single predictions and fails ` +
    `${CANARY.errorRate * 100}% of them on purpose; the guard may act after ${CANARY.minCalls} calls of each version`,
);

const startedAt = Date.now();
let nextProgress = 10_000;
// Drift is read twice: at the end of the shifted phase, and after normal traffic came back.
let duringShift;
const results = await driveTraffic({
  targets: versions.map((v) => ({ url: v.url, version: v.version, weight: v.weight })),
  ratePerSecond,
  durationMs,
  seed: 20_240_601,
  phaseOf,
  onTick(elapsed, sofar) {
    if (duringShift === undefined && elapsed >= shiftEnd - 500) {
      duringShift = Promise.all(versions.map((v) => scrape(v.metricsUrl).catch(() => [])));
    }
    if (elapsed < nextProgress) return;
    nextProgress += 10_000;
    const errors = sofar.filter((r) => r.status !== 200).length;
    console.log(
      `  ${String(Math.round(elapsed / 1000)).padStart(3)} s  ${sofar.length} requests, ${errors} not 200, phase ${phaseOf(elapsed)}`,
    );
  },
});

// Metrics are read while the services still run; a last scrape lets Prometheus catch up.
await new Promise((resolve) => setTimeout(resolve, prometheus ? 2500 : 300));
for (const v of versions)
  v.samples = await scrape(v.metricsUrl).catch((error) => (console.log(`  ${v.metricsUrl}: ${error.message}`), []));
const shiftSamples = (await duringShift) ?? [];
versions.forEach((v, i) => (v.shiftSamples = shiftSamples[i] ?? []));
const promql = prometheus ? await queryPrometheus(prometheus) : undefined;

await cleanup(); // SIGTERM: the preload flushes the last spans before the process exits.
if (receiver) await new Promise((resolve) => setTimeout(resolve, 300));
await prometheus?.stop();
await receiver?.close();

const problems = report();
if (smoke) {
  if (problems.length > 0) {
    console.log(`\nsmoke: FAILED\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(1);
  }
  console.log('\nsmoke: ok');
}

/** The canary inside 1.0.0's service: its share and rollbacks from /metrics, the guard's evidence line, what clients got. */
function reportCanary(problems) {
  const host = versions[0];
  console.log(`\n== Canary ${CANARY.version} inside 1.0.0's service (modelVersions), from its /metrics and its log`);
  const share = (version) =>
    host.samples.find((s) => s.name === 'ml_version_share' && s.labels.ml_model_version === version)?.value;
  const rollbacks = host.samples.filter(
    (s) => s.name === 'ml_rollbacks_total' && s.labels.ml_model_version === CANARY.version && s.value > 0,
  );
  const answered = results.filter((r) => r.servedBy === CANARY.version);
  const last = answered.reduce((latest, r) => Math.max(latest, r.at), 0);
  console.log(
    table([
      ['version', 'ml_version_share', 'ml_rollbacks_total', 'answers 200 seen by clients'],
      ['1.0.0', share('1.0.0') ?? '–', '', results.filter((r) => r.servedBy === '1.0.0').length],
      [
        CANARY.version,
        share(CANARY.version) ?? '–',
        rollbacks.map((s) => `${s.value} (${s.labels.reason})`).join(', ') || '0',
        `${answered.length}${answered.length > 0 ? `, the last at ${seconds(last / 1000)}` : ''}`,
      ],
    ]),
  );
  const evidence = host.service.stderr.find((line) => line.includes(`canary ${MODEL} ${CANARY.version} rolled back`));
  if (evidence) console.log(`  ${evidence.replace(/^.*?modelsight: /, 'modelsight: ')}`);
  else console.log(`  (not rolled back in this run: the guard waits for ${CANARY.minCalls} calls of each version)`);
  if (share('1.0.0') === undefined) problems.push('no ml_version_share in the /metrics of 1.0.0');
}

/** Conversions and purchases per version, from each service's /metrics, against the single answers each version gave. */
function reportOutcomes(problems) {
  console.log('\n== Business outcomes per version (POST /outcome), from /metrics');
  const rows = [['version', 'single answers', 'conversions', 'conversion rate', 'purchases', 'purchase value']];
  let any = 0;
  const served = [
    [versions[0], versions[0].version],
    [versions[0], CANARY.version],
    ...versions.slice(1).map((v) => [v, v.version]),
  ];
  for (const [v, version] of served) {
    const match = { ml_model_name: MODEL, ml_model_version: version };
    const count = (name) => sumOf(v.samples, 'ml_outcome_total', { ...match, ml_outcome_name: name });
    const value = sumOf(v.samples, 'ml_outcome_value_sum', { ...match, ml_outcome_name: 'purchase' });
    const answers = results.filter((r) => r.servedBy === version).length;
    any += count('conversion');
    rows.push([
      version,
      answers,
      count('conversion'),
      pct(count('conversion'), answers),
      count('purchase'),
      value.toFixed(2),
    ]);
  }
  console.log(table(rows));
  console.log(
    `  (the traffic converts ${CONVERSION_CHANCE.right * 100}% of right answers and ${CONVERSION_CHANCE.wrong * 100}% of wrong ones; half the conversions are purchases)`,
  );
  if (any === 0) problems.push('no ml_outcome_total in /metrics');
}

async function queryPrometheus(server) {
  const queries = {
    'predictions by version and status': 'sum by (ml_model_version, ml_prediction_status) (ml_predictions_total)',
    'p95 latency by version (s)':
      'histogram_quantile(0.95, sum by (le, ml_model_version) (ml_prediction_duration_seconds_bucket))',
    'rejected requests by reason': 'sum by (reason) (http_rejected_requests_total)',
    'accuracy from feedback, across both services':
      'sum by (ml_model_version) (ml_feedback_total{ml_feedback_outcome="correct"}) / sum by (ml_model_version) (ml_feedback_total{ml_feedback_outcome=~"correct|incorrect"})',
    'features drifted': 'sum by (ml_model_version) (ml_drift_detected)',
    'share of calls routed to each version': 'sum by (ml_model_version) (ml_version_share)',
    'canaries rolled back': 'sum by (ml_model_version, reason) (ml_rollbacks_total) > 0',
    'share of predictions with confidence <= 0.6':
      'sum by (ml_model_version) (ml_prediction_confidence_bucket{le="0.6"}) / sum by (ml_model_version) (ml_prediction_confidence_count)',
  };
  const out = {};
  for (const [title, query] of Object.entries(queries)) {
    out[title] = { query, result: await server.query(query).catch((error) => error.message) };
  }
  return out;
}

function report() {
  const problems = [];
  const lines = versions.flatMap((v) => v.service.lines);
  const byStatus = (status) => results.filter((r) => r.status === status).length;

  console.log(`\n== What the client saw: ${results.length} requests`);
  console.log(
    `  ${byStatus(200)} answered 200, ${byStatus(400)} rejected 400, ${byStatus(422)} failed 422 (model error), ` +
      `${results.filter((r) => ![200, 400, 422].includes(r.status)).length} other`,
  );

  console.log(`\n== Predictions, from each service's /metrics`);
  const rows = [['version', 'ok', 'error', 'error rate', 'p50', 'p95', 'confidence <= 0.6', 'rejected (400)']];
  const served = versions.flatMap((v) => [
    [v, v.version],
    ...(v.version === '1.0.0' ? [[{ ...v, version: CANARY.version }, `${CANARY.version} (canary in 1.0.0)`]] : []),
  ]);
  for (const [v, title] of served) {
    const match = { ml_model_name: MODEL, ml_model_version: v.version };
    const ok = sumOf(v.samples, 'ml_predictions_total', { ...match, ml_prediction_status: 'ok' });
    const error = sumOf(v.samples, 'ml_predictions_total', { ...match, ml_prediction_status: 'error' });
    const duration = bucketsOf(v.samples, 'ml_prediction_duration_seconds', match);
    const confidence = bucketsOf(v.samples, 'ml_prediction_confidence', match);
    const lowConfidence = confidence.find((b) => b.le === 0.6)?.count ?? 0;
    const confidenceCount = confidence[confidence.length - 1]?.count ?? 0;
    const rejected = sumOf(v.samples, 'http_rejected_requests_total');
    rows.push([
      title,
      ok,
      error,
      pct(error, ok + error),
      seconds(histogramQuantile(0.5, duration)),
      seconds(histogramQuantile(0.95, duration)),
      pct(lowConfidence, confidenceCount),
      v.version === CANARY.version ? '' : rejected,
    ]);
    if (ok === 0 && v.version !== CANARY.version) problems.push(`no ok prediction of ${v.version} in ${v.metricsUrl}`);
    if (v.samples.length === 0) problems.push(`nothing read from ${v.metricsUrl}`);
  }
  console.log(table(rows));
  console.log(
    '  (p50/p95 interpolated in the histogram buckets, as histogram_quantile() does; the buckets start at 10 µs)',
  );

  reportCanary(problems);
  reportOutcomes(problems);

  const reasons = new Map();
  for (const v of versions) {
    for (const s of v.samples.filter((s) => s.name === 'http_rejected_requests_total')) {
      reasons.set(s.labels.reason, (reasons.get(s.labels.reason) ?? 0) + s.value);
    }
  }
  if (reasons.size > 0) {
    console.log(`  rejected by reason: ${[...reasons].map(([reason, n]) => `${reason} ${n}`).join(', ')}`);
  } else {
    problems.push('no http_rejected_requests_total in /metrics');
  }

  const psiOf = (samples, feature) =>
    samples.find(
      (s) => s.name === 'ml_drift_score' && s.labels.ml_drift_method === 'psi' && s.labels.ml_feature_name === feature,
    )?.value;
  const detectedIn = (samples, feature) => sumOf(samples, 'ml_drift_detected', { ml_feature_name: feature }) > 0;
  const driftRows = [['version', 'feature', 'PSI end of shift', '', 'PSI at the end', '']];
  for (const v of versions) {
    const features = v.samples.filter((s) => s.name === 'ml_drift_window_samples').map((s) => s.labels.ml_feature_name);
    for (const feature of features) {
      const during = psiOf(v.shiftSamples, feature);
      const after = psiOf(v.samples, feature);
      driftRows.push([
        v.version,
        feature,
        during === undefined ? '–' : during.toFixed(3),
        detectedIn(v.shiftSamples, feature) ? 'DRIFT' : '',
        after === undefined ? '–' : after.toFixed(3),
        detectedIn(v.samples, feature) ? 'DRIFT' : '',
      ]);
    }
  }
  if (driftRows.length > 1) {
    console.log(
      '\n== Drift: PSI of the last 1000 values per feature against the training data (drifted at >= 0.2), from /metrics',
    );
    console.log(table(driftRows));
  }
  if (!versions.some((v) => v.samples.some((s) => s.name === 'ml_drift_window_samples')))
    problems.push('no drift gauge in /metrics');

  console.log('\n== Model quality, from /metrics (feedback on part of the traffic) and from what the client sent');
  const qualityRows = [
    [
      'version',
      'accuracy',
      'estimated accuracy',
      'feedback correct',
      'incorrect',
      'accuracy normal',
      'accuracy shifted',
    ],
  ];
  for (const v of versions) {
    const match = { ml_model_name: MODEL, ml_model_version: v.version };
    const outcome = (o) => sumOf(v.samples, 'ml_feedback_total', { ...match, ml_feedback_outcome: o });
    const judged = (phase) =>
      results.filter(
        (r) => r.version === v.version && r.phase === phase && (r.feedback === 'correct' || r.feedback === 'incorrect'),
      );
    const phaseAccuracy = (phase) =>
      pct(judged(phase).filter((r) => r.feedback === 'correct').length, judged(phase).length);
    const accuracy = v.samples.find(
      (s) => s.name === 'ml_model_accuracy' && s.labels.ml_model_version === v.version,
    )?.value;
    const estimated = v.samples.find(
      (s) => s.name === 'ml_model_estimated_accuracy' && s.labels.ml_model_version === v.version,
    )?.value;
    qualityRows.push([
      v.version,
      accuracy === undefined ? '–' : pct(accuracy, 1),
      estimated === undefined ? '–' : pct(estimated, 1),
      outcome('correct'),
      outcome('incorrect'),
      phaseAccuracy('normal'),
      phaseAccuracy('shifted'),
    ]);
    if (outcome('correct') + outcome('incorrect') === 0)
      problems.push(`no ml_feedback_total of ${v.version} in ${v.metricsUrl}`);
  }
  console.log(table(qualityRows));
  console.log(
    '  (accuracy: over the last 1000 labelled predictions; estimated accuracy: mean confidence, no labels needed)',
  );

  const predictionLines = lines.filter((line) => line.msg === 'prediction' && line['ml.prediction.status'] === 'ok');
  console.log('\n== Per phase, from the prediction log lines');
  const phaseRows = [['phase', 'predictions', 'mean confidence', 'confidence <= 0.6', 'labels']];
  for (const phase of ['normal', 'shifted']) {
    const inPhase = predictionLines.filter((line) => phaseOf(line.time - startedAt) === phase);
    const labels = new Map();
    for (const line of inPhase)
      labels.set(line['ml.prediction.label'], (labels.get(line['ml.prediction.label']) ?? 0) + 1);
    const meanConfidence = inPhase.reduce((sum, line) => sum + line['ml.prediction.confidence'], 0) / inPhase.length;
    phaseRows.push([
      phase,
      inPhase.length,
      Number.isFinite(meanConfidence) ? meanConfidence.toFixed(3) : '–',
      pct(inPhase.filter((line) => line['ml.prediction.confidence'] <= 0.6).length, inPhase.length),
      [...labels]
        .sort()
        .map(([label, n]) => `${label} ${pct(n, inPhase.length)}`)
        .join(', '),
    ]);
  }
  console.log(table(phaseRows));
  if (predictionLines.length === 0) problems.push("no prediction log line on the services' stdout");

  const correlated = (traceId) => lines.filter((line) => line.trace_id === traceId);
  const showLogs = (traceId) => {
    const found = correlated(traceId);
    for (const line of found.slice(0, 3)) console.log(`      ${logLine(line)}`);
    if (found.length > 3) console.log(`      … ${found.length - 3} more lines with this trace_id`);
    if (found.length === 0) console.log('      (no log line with this trace_id)');
    return found.length;
  };

  let correlatedLines = 0;
  if (receiver) {
    const predictionSpans = receiver.spans.filter((span) => span.name === `predict ${MODEL}`);
    const durations = predictionSpans.map((span) => span.durationMs).sort((a, b) => a - b);
    const at = (q) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))];
    console.log(
      `\n== Traces: ${receiver.spans.length} spans received over OTLP/HTTP, by instrumentation and span name`,
    );
    // Each request is a trace: the HTTP server span, Fastify's request and handler spans under it, and
    // the prediction span inside the handler.
    const kinds = new Map();
    for (const span of receiver.spans) {
      const key = `${span.scope ?? '?'}\u0000${span.name}`;
      kinds.set(key, (kinds.get(key) ?? 0) + 1);
    }
    console.log(
      table(
        [...kinds]
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .map(([key, count]) => [...key.split('\u0000'), count]),
        '    ',
      ),
    );
    if (receiver.nonJsonRequests() > 0)
      console.log(`  (${receiver.nonJsonRequests()} exports were not JSON and were not decoded)`);
    if (durations.length > 0) {
      console.log(
        `  "predict ${MODEL}": exact p50 ${millis(at(0.5))}, p95 ${millis(at(0.95))}, max ${millis(durations[durations.length - 1])}`,
      );
      console.log(
        '  (a span also covers the instrumentation around the model call and any pause of the process while it is open,',
      );
      console.log(
        '  such as garbage collection or CPU taken by other processes; ml_prediction_duration_seconds above and',
      );
      console.log('  duration_ms in the log lines below time the model call alone)');
    }
    if (predictionSpans.length === 0) problems.push('no prediction span reached the OTLP receiver');

    const describe = (span) => {
      const a = span.attributes;
      const details = [
        `version ${a['ml.model.version']}`,
        millis(span.durationMs),
        a['ml.batch.size'] !== undefined
          ? `batch of ${a['ml.batch.size']}`
          : a['ml.prediction.label'] !== undefined
            ? `label ${a['ml.prediction.label']} (confidence ${Number(a['ml.prediction.confidence']).toFixed(2)})`
            : undefined,
        a['error.type'] ? `error.type ${a['error.type']}` : undefined,
      ].filter(Boolean);
      console.log(`    trace ${span.traceId}  ${details.join(', ')}`);
      correlatedLines += showLogs(span.traceId);
    };
    const slowest = predictionSpans
      .filter((span) => span.statusCode !== 2)
      .sort((a, b) => b.durationMs - a.durationMs)
      .slice(0, 3);
    if (slowest.length > 0) {
      console.log('  slowest predictions, with their log lines:');
      slowest.forEach(describe);
    }
    const failed = predictionSpans.filter((span) => span.statusCode === 2).slice(-2);
    if (failed.length > 0) {
      console.log('  failed predictions (span status ERROR), with their log lines:');
      failed.forEach(describe);
    }
  } else {
    console.log(`\n== Traces were sent to ${userEndpoint}; look these up there`);
    const slowest = results
      .filter((r) => r.status === 200 && r.traceId)
      .sort((a, b) => b.latencyMs - a.latencyMs)
      .slice(0, 3);
    const failed = results.filter((r) => r.status === 422 && r.traceId).slice(-2);
    for (const [title, list] of [
      ['slowest requests', slowest],
      ['failed predictions (422)', failed],
    ]) {
      if (list.length === 0) continue;
      console.log(`  ${title}, with their log lines:`);
      for (const r of list) {
        console.log(`    trace ${r.traceId}  version ${r.version}, ${millis(r.latencyMs)} round trip, ${r.kind}`);
        correlatedLines += showLogs(r.traceId);
      }
    }
  }
  if (correlatedLines === 0) problems.push('no log line correlated with a trace ID');

  if (promql) {
    console.log(`\n== Prometheus (${prometheus.url}), PromQL over both services`);
    for (const [title, { query, result }] of Object.entries(promql)) {
      console.log(`  ${title}:  ${query}`);
      if (typeof result === 'string') console.log(`    error: ${result}`);
      const described = (Array.isArray(result) ? result : []).map((r) => ({
        labels: Object.entries(r.labels)
          .map(([k, v]) => `${k}="${v}"`)
          .join(', '),
        value: r.value,
      }));
      for (const r of described.sort((a, b) => a.labels.localeCompare(b.labels))) {
        const labels = r.labels;
        console.log(`    {${labels}}  ${Number.isInteger(r.value) ? r.value : r.value.toPrecision(4)}`);
      }
    }
  }

  console.log('\n== Where to look next');
  console.log(
    '  Metrics: each service serves Prometheus text on /metrics of OTEL_EXPORTER_PROMETHEUS_PORT (default 9464);',
  );
  console.log(`    in this run ${versions.map((v) => `${v.version} on ${v.metricsUrl}`).join(', ')}`);
  console.log('  Run one yourself:  cd examples/iris-service && MODEL_VERSION=1.0.0 npm start   → /metrics on :9464');
  console.log(
    '  Traces in Jaeger:  start Jaeger (docker compose -f examples/stack/compose.yaml up jaeger, UI on :16686),',
  );
  console.log(
    '    then OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 npm run demo   (search service "iris-service")',
  );
  console.log('  The whole stack (Prometheus, Grafana dashboard, alerts): examples/stack/README.md');
  return problems;
}
