// What the preload costs a model service per request, against the same service bare and against the
// alternatives: Fastify and Express, a trivial model (~5 µs) and a 1 ms one; the service without telemetry,
// under the preload (defaults, spans sent as OTLP/protobuf, traces sampled at 10%, sampler always_off, traces not exported), under the
// generic OpenTelemetry stack (the NodeSDK with auto-instrumentations-node and a predict span written by
// hand) and with one prom-client histogram. Each service runs in its own process, the load comes from this
// one (autocannon, POST /predict) and the spans go to an OTLP/HTTP receiver in a third process.
//
// CPU per request is measured in the service (process.cpuUsage() over the window, divided by the requests
// it answered); "main µs/req" is the main thread's part of it (Linux's schedstat), the rest being worker
// threads such as the span export thread. Rounds are interleaved (bare, A, B, …, bare, A, B, …) so that all variants see the same
// machine; the table shows medians over the rounds, and each variant's difference and ratio against the
// bare service of the same round.
//
// Run: npm run build && node packages/node/bench/service-cost.mjs
// Env: SERVICE_COST_QUICK=true (2 short rounds, trivial model only), SERVICE_COST_ROUNDS, SERVICE_COST_SECONDS,
// SERVICE_COST_FRAMEWORKS (fastify,express), SERVICE_COST_MODELS (trivial,1ms), SERVICE_COST_VARIANTS (names
// below), SERVICE_COST_CONNECTIONS (16), SERVICE_COST_PROFILE_DIR (writes a CPU profile of one service with
// the trivial model, with node --cpu-prof; summed up by cpu-profile-summary.mjs), SERVICE_COST_PROFILE_VARIANT
// (the variant profiled; default modelsight), SERVICE_COST_PROFILE_FRAMEWORK (the framework of the service
// profiled; default fastify), SERVICE_COST_CONCURRENT=true (each round loads every variant at the same time,
// each from its own connections: on a machine shared with other work, the variants then see the same
// machine, where one after the other they may not; CPU per request is still each service's own),
// SERVICE_COST_BASELINE (the path of another build's dist/register.cjs, say of the main branch: adds the
// variants `baseline` and `baseline always_off`, preloaded with it, to compare two builds in the same rounds).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort, root } from './service.mjs';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const list = (name, fallback) => (process.env[name] ?? fallback).split(',').map((item) => item.trim());
const quick = process.env.SERVICE_COST_QUICK === 'true';
const rounds = Math.min(Number(process.env.SERVICE_COST_ROUNDS ?? (quick ? 2 : 4)), 20);
const seconds = Math.min(Number(process.env.SERVICE_COST_SECONDS ?? (quick ? 1 : 2.5)), 30);
const connections = Number(process.env.SERVICE_COST_CONNECTIONS ?? 16);
const frameworks = list('SERVICE_COST_FRAMEWORKS', 'fastify,express');
const models = list('SERVICE_COST_MODELS', quick ? 'trivial' : 'trivial,1ms');
const profileDir = process.env.SERVICE_COST_PROFILE_DIR;
const profileVariant = process.env.SERVICE_COST_PROFILE_VARIANT ?? 'modelsight';
const profileFramework = process.env.SERVICE_COST_PROFILE_FRAMEWORK ?? 'fastify';
const concurrent = process.env.SERVICE_COST_CONCURRENT === 'true';

const PRELOAD = ['--require', '@modelsight/node/register'];
const VARIANTS = {
  bare: { app: 'bare' },
  modelsight: { app: 'modelsight', preload: true },
  'modelsight protobuf': { app: 'modelsight', preload: true, env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' } },
  'modelsight 10%': {
    app: 'modelsight',
    preload: true,
    env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
  },
  'modelsight always_off': { app: 'modelsight', preload: true, env: { OTEL_TRACES_SAMPLER: 'always_off' } },
  'modelsight no export': { app: 'modelsight', preload: true, env: { OTEL_TRACES_EXPORTER: 'none' } },
  'otel auto + span': { app: 'otel' },
  'prom-client': { app: 'prom' },
};
const baseline = process.env.SERVICE_COST_BASELINE;
if (baseline) {
  VARIANTS.baseline = { app: 'modelsight', preload: baseline };
  VARIANTS['baseline always_off'] = { ...VARIANTS.baseline, env: VARIANTS['modelsight always_off'].env };
  VARIANTS['baseline no export'] = { ...VARIANTS.baseline, env: VARIANTS['modelsight no export'].env };
}
const variantNames = list('SERVICE_COST_VARIANTS', Object.keys(VARIANTS).join(','));
if (variantNames[0] !== 'bare') variantNames.unshift('bare');
for (const name of variantNames) if (!VARIANTS[name]) throw new Error(`no variant ${name}`);

/** Starts a child with an IPC channel; resolves with it and the first message it sends. */
function forkChild(script, args, execArgv, env) {
  const child = fork(script, args, { cwd: root, execArgv, env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const first = new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}: ${stderr}`)));
  });
  return first.then((message) => ({ child, message, stderr: () => stderr }));
}

/** Sends `message` to a child and resolves with its answer. */
const ask = (child, message) =>
  new Promise((resolve) => {
    child.once('message', resolve);
    child.send(message);
  });

const sink = await forkChild(here('./service-cost-sink.cjs'), [], [], { PATH: process.env.PATH });
const sinkUrl = `http://127.0.0.1:${sink.message.port}`;

async function startVariant(framework, model, name, index) {
  const variant = VARIANTS[name];
  const port = await freePort();
  const profile =
    profileDir && framework === profileFramework && model === 'trivial' && name === profileVariant
      ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]
      : [];
  const service = await forkChild(
    here('./service-cost-app.cjs'),
    [],
    [...(variant.preload === true ? PRELOAD : variant.preload ? ['--require', variant.preload] : []), ...profile],
    {
      PATH: process.env.PATH,
      PORT: String(port),
      FRAMEWORK: framework,
      MODEL: model,
      VARIANT: variant.app,
      OTEL_SERVICE_NAME: 'bench-service',
      OTEL_EXPORTER_PROMETHEUS_PORT: '0',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${sinkUrl}/${index}/v1/traces`,
      // The NodeSDK would send protobuf by default; both stacks send the same encoding.
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_METRICS_EXPORTER: variant.app === 'otel' ? 'none' : 'prometheus',
      OTEL_LOGS_EXPORTER: 'none',
      ...variant.env,
    },
  );
  return {
    name,
    index,
    ...service,
    url: `http://127.0.0.1:${port}/predict`,
    modelUs: service.message.modelUs,
    rounds: [],
  };
}

const load = (url, duration) =>
  autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ features: [0.3, 1.2, 0.7, 4, 0.1, 2.2, 0.9, 1] }),
    connections,
    duration,
  });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

console.log(
  `node ${process.version}; POST /predict from ${connections} connections; ${rounds} ${concurrent ? 'concurrent' : 'interleaved'} rounds of ${seconds} s per variant after 1 s of warm-up; medians`,
);
let serviceIndex = 0;
for (const framework of frameworks) {
  for (const model of models) {
    const services = [];
    for (const name of variantNames) services.push(await startVariant(framework, model, name, serviceIndex++));
    for (const service of services) await load(service.url, 1);
    /** One window of load on `service`: its CPU per request (all threads, main thread) and requests per second. */
    const measure = async (service) => {
      await ask(service.child, 'begin');
      const started = performance.now();
      const result = await load(service.url, seconds);
      const { cpuUs, mainThreadUs, answered } = await ask(service.child, 'end');
      const elapsed = (performance.now() - started) / 1000;
      if (result.errors + result.non2xx > 0) {
        throw new Error(`${service.name}: ${result.errors} errors, ${result.non2xx} non-2xx\n${service.stderr()}`);
      }
      service.rounds.push({
        cpuPerRequest: cpuUs / answered,
        mainPerRequest: mainThreadUs === undefined ? Number.NaN : mainThreadUs / answered,
        rps: answered / elapsed,
      });
    };
    for (let round = 0; round < rounds; round++) {
      if (concurrent) await Promise.all(services.map(measure));
      else for (const service of services) await measure(service);
    }
    const totals = await Promise.all(services.map((service) => ask(service.child, 'stop')));
    const { counts } = await ask(sink.child, 'counts');
    const [bare] = services;
    const modelUs = median(services.map((service) => service.modelUs));
    console.log(`\n${framework}, ${model} model (${modelUs.toFixed(1)} µs a call)`);
    console.log(
      'variant'.padEnd(24),
      'CPU µs/req'.padStart(11),
      'added µs'.padStart(9),
      'CPU ratio'.padStart(10),
      'main µs/req'.padStart(12),
      'req/s'.padStart(8),
      'req/s ratio'.padStart(12),
      'spans/req'.padStart(10),
    );
    for (const [i, service] of services.entries()) {
      const added = service.rounds.map((r, round) => r.cpuPerRequest - bare.rounds[round].cpuPerRequest);
      const ratio = service.rounds.map((r, round) => r.cpuPerRequest / bare.rounds[round].cpuPerRequest);
      const rpsRatio = service.rounds.map((r, round) => r.rps / bare.rounds[round].rps);
      const spans = (counts[`/${service.index}/v1/traces`] ?? 0) / totals[i].total;
      console.log(
        service.name.padEnd(24),
        median(service.rounds.map((r) => r.cpuPerRequest))
          .toFixed(1)
          .padStart(11),
        (i === 0 ? '' : `+${median(added).toFixed(1)}`).padStart(9),
        median(ratio).toFixed(2).padStart(10),
        median(service.rounds.map((r) => r.mainPerRequest))
          .toFixed(1)
          .padStart(12),
        median(service.rounds.map((r) => r.rps))
          .toFixed(0)
          .padStart(8),
        median(rpsRatio).toFixed(2).padStart(12),
        spans.toFixed(2).padStart(10),
      );
      const warnings = service.stderr().trim();
      if (warnings) console.log(`  stderr: ${warnings.split('\n')[0].slice(0, 160)}`);
    }
  }
}
sink.child.kill();
