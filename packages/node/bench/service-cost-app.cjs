// The service of service-cost.mjs: POST /predict on Fastify or Express, a model of a given cost, and
// the telemetry of one variant. It measures its own CPU over the windows the parent asks for, through
// the IPC channel, so that nothing but the load reaches its HTTP port.
//
// Env: FRAMEWORK (fastify|express), MODEL (trivial|1ms), VARIANT (bare|modelsight|otel|prom), PORT.
'use strict';

const framework = process.env.FRAMEWORK ?? 'fastify';
const variant = process.env.VARIANT ?? 'bare';
const modelKind = process.env.MODEL ?? 'trivial';

// The generic OpenTelemetry stack: the NodeSDK with every instrumentation of auto-instrumentations-node,
// started before the framework is loaded, and a predict span written by hand.
let otelSdk;
let otelTracer;
if (variant === 'otel') {
  const { NodeSDK } = require('@opentelemetry/sdk-node');
  const { getNodeAutoInstrumentations } = require('@opentelemetry/auto-instrumentations-node');
  otelSdk = new NodeSDK({ instrumentations: [getNodeAutoInstrumentations()] });
  otelSdk.start();
  otelTracer = require('@opentelemetry/api').trace.getTracer('bench-service');
}

// A logistic model on eight features: about 5 µs a call (a few hundred multiply-adds), or one that
// spins for 1 ms.
const WEIGHTS = Array.from({ length: 8 }, (_, i) => ((i % 3) - 1) * 0.1 + 0.01 * i);
function trivialModel(features) {
  let best = 0;
  for (let round = 0; round < 60; round++) {
    let z = 0.1 * round;
    for (let i = 0; i < WEIGHTS.length; i++) z += WEIGHTS[i] * (features[i] ?? 0);
    const p = 1 / (1 + Math.exp(-z));
    if (p > best) best = p;
  }
  return best >= 0.5 ? { label: 'churn', confidence: best } : { label: 'stay', confidence: 1 - best };
}
function slowModel(features) {
  const until = performance.now() + 1;
  while (performance.now() < until);
  return trivialModel(features);
}
const model = modelKind === '1ms' ? slowModel : trivialModel;

let predict = model;
if (variant === 'modelsight') {
  const { traced } = require('@modelsight/core');
  predict = traced(model, { model: { name: 'bench-model', version: '1.0.0' } });
} else if (variant === 'otel') {
  predict = (features) =>
    otelTracer.startActiveSpan('predict bench-model', (span) => {
      try {
        const result = model(features);
        span.setAttribute('ml.model.name', 'bench-model');
        span.setAttribute('ml.model.version', '1.0.0');
        span.setAttribute('ml.prediction.label', result.label);
        span.setAttribute('ml.prediction.confidence', result.confidence);
        return result;
      } finally {
        span.end();
      }
    });
}

// What the tutorials teach: one prom-client histogram of request durations by method, route and status.
let observeRequest = () => {};
if (variant === 'prom') {
  const { Histogram } = require('prom-client');
  const histogram = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status_code'],
  });
  observeRequest = (method, route, status, startedNs) =>
    histogram.observe({ method, route, status_code: status }, Number(process.hrtime.bigint() - startedNs) / 1e9);
}

let answered = 0;
const answer = (body) => {
  answered++;
  return predict(body?.features ?? []);
};

async function serve() {
  const port = Number(process.env.PORT);
  if (framework === 'fastify') {
    const app = require('fastify')();
    if (variant === 'prom') {
      app.addHook('onRequest', async (request) => {
        request.startedNs = process.hrtime.bigint();
      });
      app.addHook('onResponse', async (request, reply) => {
        observeRequest(request.method, request.routeOptions.url, reply.statusCode, request.startedNs);
      });
    }
    app.post('/predict', async (request) => answer(request.body));
    await app.listen({ port, host: '127.0.0.1' });
    return;
  }
  const express = require('express');
  const app = express();
  app.use(express.json());
  if (variant === 'prom') {
    app.use((request, response, next) => {
      const startedNs = process.hrtime.bigint();
      response.on('finish', () =>
        observeRequest(request.method, request.route?.path ?? '', response.statusCode, startedNs),
      );
      next();
    });
  }
  app.post('/predict', (request, response) => {
    response.json(answer(request.body));
  });
  await new Promise((resolve) => app.listen(port, '127.0.0.1', resolve));
}

// The CPU time of the main thread alone (the process's includes its worker threads), in µs, from Linux's
// schedstat; undefined elsewhere.
const { readFileSync } = require('node:fs');
function mainThreadCpuUs() {
  try {
    return Number(readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1000;
  } catch {
    return undefined;
  }
}

let cpuAtBegin;
let mainAtBegin;
let answeredAtBegin = 0;
process.on('message', async (message) => {
  if (message === 'begin') {
    cpuAtBegin = process.cpuUsage();
    mainAtBegin = mainThreadCpuUs();
    answeredAtBegin = answered;
    process.send({ begun: true });
  } else if (message === 'end') {
    const cpu = process.cpuUsage(cpuAtBegin);
    const main = mainThreadCpuUs();
    process.send({
      cpuUs: cpu.user + cpu.system,
      mainThreadUs: main === undefined || mainAtBegin === undefined ? undefined : main - mainAtBegin,
      answered: answered - answeredAtBegin,
    });
  } else if (message === 'stop') {
    // Everything the service traced is exported before it reports how many requests it answered.
    await otelSdk?.shutdown();
    await require('@modelsight/node').runningTelemetry()?.shutdown();
    process.send({ total: answered }, () => process.exit(0));
  }
});

// The model's own cost, measured once, for the report.
const sample = [0.3, 1.2, 0.7, 4, 0.1, 2.2, 0.9, 1];
const calls = modelKind === '1ms' ? 20 : 2000;
const started = performance.now();
for (let i = 0; i < calls; i++) model(sample);
const modelUs = ((performance.now() - started) * 1000) / calls;

serve().then(() => process.send({ ready: true, modelUs }));
