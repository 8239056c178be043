// The service scraped by metrics-endpoint.mjs: a classifier behind node:http with the telemetry of the iris
// example (prediction metrics, a drift monitor over four features and the outputs, a feedback tracker, the
// HTTP server histogram, a rejection counter, runtime and process metrics). BENCH_EXPORTER says who serves
// /metrics on METRICS_PORT:
//   modelsight   the preload (run with --require @modelsight/node/register)
//   upstream     the SDK's PrometheusExporter, with its own server and serializer, on the same instruments
//   prom-client  a prom-client registry with the series of SNAPSHOT (a /metrics page of the modelsight run),
//                computing at scrape time what has to be measured then, as prom-client's own default metrics
//                do: drift statistics from the same drift monitor, event-loop, heap and process figures from
//                the same Node.js APIs the runtime instrumentation reads; the other series hold their values
//                (prom-client counters and histograms are updated on the prediction path, not at scrape)
'use strict';

const mode = process.env.BENCH_EXPORTER;
const metricsPort = Number(process.env.METRICS_PORT);
const port = Number(process.env.PORT);

if (mode === 'upstream') startUpstreamSdk();
const service = serveModel();
if (mode === 'prom-client') servePromClient(service.drift);

function startUpstreamSdk() {
  const { metrics } = require('@opentelemetry/api');
  const { predictionMetricProducer } = require('@modelsight/core');
  const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation');
  const { HostMetricsInstrumentation } = require('@opentelemetry/instrumentation-host-metrics');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
  const { RuntimeNodeInstrumentation } = require('@opentelemetry/instrumentation-runtime-node');
  const { resourceFromAttributes } = require('@opentelemetry/resources');
  const { MeterProvider } = require('@opentelemetry/sdk-metrics');
  const exporter = new PrometheusExporter({
    host: '127.0.0.1',
    port: metricsPort,
    metricProducers: [predictionMetricProducer()],
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench-service' }),
    readers: [exporter],
  });
  metrics.setGlobalMeterProvider(provider);
  registerInstrumentations({
    meterProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => request.socket?.localPort === metricsPort }),
      new RuntimeNodeInstrumentation(),
      new HostMetricsInstrumentation({ metricGroups: ['process.cpu', 'process.memory'] }),
    ],
  });
}

/** Seeded numbers in [0, 1) (mulberry32): every service sees the same data. */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function serveModel() {
  const http = require('node:http');
  const { metrics } = require('@opentelemetry/api');
  const { FeedbackTracker, traced } = require('@modelsight/core');
  const { buildProfile, DriftMonitor } = require('@modelsight/drift');

  const features = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
  const classes = ['setosa', 'versicolor', 'virginica'];
  const centres = [
    [5.0, 3.4, 1.5, 0.2],
    [5.9, 2.8, 4.3, 1.3],
    [6.6, 3.0, 5.6, 2.0],
  ];
  const random = seeded(7);
  const flower = (k) =>
    Object.fromEntries(features.map((name, j) => [name, Number((centres[k][j] + (random() - 0.5) * 0.8).toFixed(1))]));
  const classify = (row) => {
    const distances = centres.map((c) => features.reduce((s, name, j) => s + (row[name] - c[j]) ** 2, 0));
    const weights = distances.map((d) => Math.exp(-d));
    const total = weights[0] + weights[1] + weights[2];
    const k = distances.indexOf(Math.min(...distances));
    return { label: classes[k], confidence: weights[k] / total };
  };
  const training = Array.from({ length: 150 }, (_, i) => flower(i % 3));
  const profile = buildProfile(
    training.map((row) => {
      const output = classify(row);
      return { ...row, 'prediction.label': output.label, 'prediction.confidence': output.confidence };
    }),
  );
  const model = { name: 'iris-classifier', version: '1.0.0' };
  const drift = new DriftMonitor({ model, profile });
  const feedback = new FeedbackTracker({ model, labels: classes, task: 'classification' });
  const observers = [drift, feedback];
  const predictOne = traced(classify, { model, features: (row) => row, observers });
  const predictMany = traced((rows) => rows.map(classify), { model, batch: true, features: (rows) => rows, observers });
  const rejected = metrics
    .getMeter('bench-service')
    .createCounter('http.rejected_requests', { description: 'Requests answered 400, by reason' });

  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const send = (status, value) =>
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      let parsed;
      try {
        parsed = JSON.parse(body);
      } catch {
        rejected.add(1, { reason: 'invalid_json' });
        return send(400, { error: 'invalid_json' });
      }
      if (request.url === '/feedback')
        return send(200, { outcome: feedback.recordFeedback(parsed.predictionId, parsed.label) });
      if (Array.isArray(parsed.instances)) {
        const { result, prediction } = predictMany.withPrediction(parsed.instances);
        return send(200, { predictions: result, ids: prediction.itemIds });
      }
      if (parsed.features === null || typeof parsed.features !== 'object') {
        rejected.add(1, { reason: 'invalid_shape' });
        return send(400, { error: 'invalid_shape' });
      }
      const { result, prediction } = predictOne.withPrediction(parsed.features);
      send(200, { ...result, predictionId: prediction.predictionId });
    });
  });
  server.listen(port, '127.0.0.1', () => mode !== 'prom-client' && console.log('ready'));
  return { drift };
}

function servePromClient(drift) {
  const http = require('node:http');
  const { readFileSync } = require('node:fs');
  const client = require('prom-client');
  const registry = new client.Registry();
  const families = parseFamilies(readFileSync(process.env.SNAPSHOT, 'utf8'));
  const measured = scrapeTimeValues(drift);
  for (const family of families) {
    const labelNames = [
      ...new Set(family.samples.flatMap((s) => Object.keys(s.labels)).filter((name) => name !== 'le')),
    ];
    const options = { name: family.name, help: family.help || family.name, labelNames, registers: [registry] };
    const valueNamed = measured(family.name);
    if (valueNamed !== undefined) {
      // Set at each scrape from what is measured then: `collect` runs inside registry.metrics().
      const Kind = family.type === 'counter' ? client.Counter : client.Gauge;
      new Kind({
        ...options,
        collect() {
          for (const s of family.samples) {
            const value = valueNamed(s.labels);
            if (value === undefined) continue;
            if (Kind === client.Gauge) this.set(s.labels, value);
            else {
              // A counter read from elsewhere: prom-client counters only go up, so from 0 to the value.
              this.remove(s.labels);
              this.inc(s.labels, value);
            }
          }
        },
      });
    } else if (family.type === 'counter') {
      const counter = new client.Counter(options);
      for (const s of family.samples) counter.inc(s.labels, s.value);
    } else if (family.type === 'histogram') {
      const buckets = [
        ...new Set(
          family.samples
            .filter((s) => s.name.endsWith('_bucket') && s.labels.le !== '+Inf')
            .map((s) => Number(s.labels.le)),
        ),
      ];
      const histogram = new client.Histogram({ ...options, buckets: buckets.sort((a, b) => a - b) });
      // The same series and bucket counts: one observation at each bound per count in that bucket.
      const bySeries = new Map();
      for (const s of family.samples.filter((s) => s.name.endsWith('_bucket'))) {
        const { le, ...labels } = s.labels;
        const key = JSON.stringify(labels);
        if (!bySeries.has(key)) bySeries.set(key, { labels, buckets: [] });
        bySeries.get(key).buckets.push([le === '+Inf' ? Infinity : Number(le), s.value]);
      }
      for (const { labels, buckets: counts } of bySeries.values()) {
        histogram.zero(labels);
        let below = 0;
        for (const [le, cumulative] of counts.sort((a, b) => a[0] - b[0])) {
          const value = le === Infinity ? buckets[buckets.length - 1] * 2 : le;
          for (let i = below; i < cumulative; i++) histogram.observe(labels, value);
          below = cumulative;
        }
      }
    } else {
      const gauge = new client.Gauge(options);
      for (const s of family.samples) gauge.set(s.labels, s.value);
    }
  }
  const server = http.createServer(async (_request, response) => {
    measured.beginScrape();
    const text = await registry.metrics();
    response.writeHead(200, { 'content-type': registry.contentType }).end(text);
  });
  server.listen(metricsPort, '127.0.0.1', () => console.log('ready'));
}

/**
 * For the families whose values are measured at scrape time, a function from a series' labels to its
 * value now; `undefined` for the others. One drift report and one reading of each Node.js API per scrape.
 */
function scrapeTimeValues(drift) {
  const v8 = require('node:v8');
  const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let readings;
  let utilization = performance.eventLoopUtilization();
  // Everything a scrape needs, read once per scrape (forgotten when the next scrape begins).
  const now = () => {
    if (readings === undefined) {
      const total = performance.eventLoopUtilization();
      const delta = performance.eventLoopUtilization(total, utilization);
      utilization = total;
      const cpu = process.cpuUsage();
      readings = {
        report: drift.report(),
        spaces: new Map(v8.getHeapSpaceStatistics().map((space) => [space.space_name, space])),
        delay: {
          min: delay.min,
          max: delay.max,
          mean: delay.mean,
          stddev: delay.stddev,
          p50: delay.percentile(50),
          p90: delay.percentile(90),
          p99: delay.percentile(99),
        },
        utilization: delta.utilization,
        loop: { active: total.active / 1000, idle: total.idle / 1000 },
        cpu: { user: cpu.user / 1e6, system: cpu.system / 1e6 },
        rss: process.memoryUsage.rss(),
        resources: process.getActiveResourcesInfo().length,
      };
      delay.reset();
    }
    return readings;
  };
  const feature = (labels) => now().report.features.find((f) => f.name === labels.ml_feature_name);
  const heap = (field) => (labels) => now().spaces.get(labels.v8js_heap_space_name)?.[field];
  const delayOf = (stat) => () => now().delay[stat] / 1e9;
  const byName = {
    ml_drift_score: (labels) => feature(labels)?.scores[labels.ml_drift_method],
    ml_drift_detected: (labels) => (feature(labels)?.drifted ? 1 : 0),
    ml_drift_window_samples: (labels) => feature(labels)?.windowSamples,
    ml_data_missing_total: (labels) => feature(labels)?.missing,
    ml_data_invalid_total: (labels) => feature(labels)?.invalid[labels.reason],
    ml_drift_bin_total: (labels) => feature(labels)?.bins[Number(labels.ml_drift_bin)]?.total,
    ml_drift_reference_ratio: (labels) => feature(labels)?.bins[Number(labels.ml_drift_bin)]?.reference,
    nodejs_eventloop_utilization: () => now().utilization,
    nodejs_eventloop_time_total: (labels) => now().loop[labels.nodejs_eventloop_state],
    v8js_memory_heap_space_size: heap('space_size'),
    v8js_memory_heap_used: heap('space_used_size'),
    v8js_memory_heap_space_available_size: heap('space_available_size'),
    v8js_memory_heap_space_physical_size: heap('physical_space_size'),
    v8js_resource_active: () => now().resources,
    process_cpu_time_total: (labels) => now().cpu[labels.cpu_mode],
    process_memory_usage: () => now().rss,
  };
  for (const stat of ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99'])
    byName[`nodejs_eventloop_delay_${stat}`] = delayOf(stat);
  const valueNamed = (name) => byName[name];
  valueNamed.beginScrape = () => (readings = undefined);
  return valueNamed;
}

/** Families of a Prometheus text page: name, type, help and samples with their labels. */
function parseFamilies(text) {
  const families = [];
  let family;
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    const help = /^# HELP (\S+) (.*)$/.exec(line);
    if (help) {
      family = { name: help[1], help: help[2].replace(/\\n/g, ' '), type: 'gauge', samples: [] };
      families.push(family);
    } else if (type) {
      family.type = type[2];
    } else if (line !== '' && !line.startsWith('#')) {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      const labels = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
        labels[key] = value.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
      }
      family.samples.push({ name: match[1], labels, value: Number(match[3]) });
    }
  }
  return families.filter((f) => f.samples.length > 0);
}
