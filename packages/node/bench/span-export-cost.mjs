// Event-loop CPU of exporting spans: what a span costs the main thread once it is handed to a span
// processor that exports it over OTLP/HTTP, against spans created and ended with no processor at all.
//
// One child process per variant, each making the spans of the same requests (an HTTP server span with the
// attributes of instrumentation-http and a predict span under it), round after round, in turns
// (interleaved, the order reversed every other round). A round ends when every span of the round has
// been exported (forceFlush). The receiver runs in another process and answers 200.
//   baseline         a tracer provider without span processor (spans made and ended, nothing else)
//   sdk-json         BatchSpanProcessor + OTLPTraceExporter (http/json) of the SDK, as upstream ships them
//   sdk-proto        the same with http/protobuf
//   preload-json     the span processor start() of @modelsight/node builds, http/json
//   preload-proto    the same with http/protobuf
// Main-thread CPU is read from /proc/<pid>/task/<pid>/schedstat (ns on CPU of the main thread alone);
// the CPU of the whole process (worker threads included) from process.cpuUsage().
//
// Run: npm run build && node packages/node/bench/span-export-cost.mjs [requests per round] [rounds]
//      --profile writes a CPU profile of each exporting variant and prints its top functions (self time).
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const role = process.env.SPAN_BENCH_ROLE;
const QUEUE_SIZE = 65_536;

if (role === 'receiver') await receiver();
else if (role === 'variant') await variant(process.env.SPAN_BENCH_VARIANT);
else await main();

/**
 * An OTLP/HTTP receiver: reads each request whole and answers 200 with an empty response. It counts the
 * bytes and the spans (JSON: decoded; protobuf: the Span messages of the request) received per variant (the
 * first segment of the path), so that every variant is seen to export every span.
 */
async function receiver() {
  const { createServer } = await import('node:http');
  const received = new Map();
  process.on('message', () => process.send(Object.fromEntries(received)));
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const variant = request.url.split('/')[1];
      const tally = received.get(variant) ?? { bytes: 0, spans: 0 };
      tally.bytes += body.length;
      tally.spans += String(request.headers['content-type']).includes('protobuf')
        ? protobufSpans(body)
        : jsonSpans(body);
      received.set(variant, tally);
      const proto = String(request.headers['content-type']).includes('protobuf');
      response.writeHead(200, { 'content-type': proto ? 'application/x-protobuf' : 'application/json' });
      response.end(proto ? '' : '{}');
    });
  });
  server.keepAliveTimeout = 60_000;
  const jsonSpans = (body) =>
    JSON.parse(body).resourceSpans.reduce((n, r) => n + r.scopeSpans.reduce((m, s) => m + s.spans.length, 0), 0);
  // ExportTraceServiceRequest: resource_spans (1) > scope_spans (2) > spans (2), each length-delimited.
  const varint = (buffer, at) => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = buffer[at.i++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  const fields = (buffer, start, end, wanted, each) => {
    const at = { i: start };
    while (at.i < end) {
      const key = varint(buffer, at);
      const wire = key & 7;
      if (wire === 2) {
        const length = varint(buffer, at);
        if (key >>> 3 === wanted) each(at.i, at.i + length);
        at.i += length;
      } else if (wire === 0) varint(buffer, at);
      else at.i += wire === 1 ? 8 : 4;
    }
  };
  const protobufSpans = (body) => {
    let count = 0;
    fields(body, 0, body.length, 1, (s, e) =>
      fields(body, s, e, 2, (s2, e2) => fields(body, s2, e2, 2, () => count++)),
    );
    return count;
  };
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
}

function mainThreadCpuNs() {
  return Number(readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
}

/** One variant: waits for rounds from the parent, makes the spans, reports CPU. */
async function variant(name) {
  const require = createRequire(join(self, '..', '..', 'package.json'));
  const api = require('@opentelemetry/api');
  const url = process.env.SPAN_BENCH_URL;
  let provider;
  let flush = () => Promise.resolve();
  if (name.startsWith('preload')) {
    // SPAN_BENCH_NODE_PACKAGE: another build of the package (another checkout's packages/node), for before/after.
    const { start } = require(process.env.SPAN_BENCH_NODE_PACKAGE ?? '@modelsight/node');
    const telemetry = start({
      serviceName: 'bench-service',
      otlpTracesEndpoint: url,
      otlpProtocol: name.endsWith('proto') ? 'http/protobuf' : 'http/json',
      metricsExporters: ['none'],
      enabledInstrumentations: [],
      handleSignals: false,
      maxQueueSize: QUEUE_SIZE,
      logLevel: 'error',
    });
    flush = () => telemetry.forceFlush();
  } else {
    const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
    const { resourceFromAttributes } = require('@opentelemetry/resources');
    const resource = resourceFromAttributes({
      'service.name': 'bench-service',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.version': '2.12.0',
      'process.pid': process.pid,
      'host.name': 'bench-host',
    });
    const spanProcessors = [];
    if (name !== 'baseline') {
      const { OTLPTraceExporter } = require(
        name.endsWith('proto') ? '@opentelemetry/exporter-trace-otlp-proto' : '@opentelemetry/exporter-trace-otlp-http',
      );
      spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url }), { maxQueueSize: QUEUE_SIZE }));
    }
    provider = new BasicTracerProvider({ resource, spanProcessors });
    const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
    api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    api.trace.setGlobalTracerProvider(provider);
    if (name !== 'baseline') flush = () => provider.forceFlush();
  }
  const httpTracer = api.trace.getTracer('@opentelemetry/instrumentation-http', '0.223.0');
  const modelTracer = api.trace.getTracer('@modelsight/core', '0.1.0');
  const userAgent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

  let n = 0;
  // The spans of one POST /predict under the preload: the server span and the predict span under it.
  const request = () => {
    n++;
    const server = httpTracer.startSpan('POST /predict', {
      kind: api.SpanKind.SERVER,
      attributes: {
        'http.request.method': 'POST',
        'url.scheme': 'http',
        'url.path': '/predict',
        'server.address': '127.0.0.1',
        'server.port': 8080,
        'network.peer.address': '127.0.0.1',
        'network.peer.port': 40000 + (n % 20000),
        'network.protocol.version': '1.1',
        'user_agent.original': userAgent,
        'client.address': '127.0.0.1',
      },
    });
    const parent = api.trace.setSpan(api.context.active(), server);
    const predict = modelTracer.startSpan(
      'predict iris-classifier',
      {
        kind: api.SpanKind.INTERNAL,
        attributes: {
          'ml.model.name': 'iris-classifier',
          'ml.model.version': '1.4.0',
          'ml.prediction.id': `${n}`,
        },
      },
      parent,
    );
    predict.setAttribute('ml.prediction.confidence', 0.93);
    predict.setAttribute('ml.prediction.label', 'setosa');
    predict.end();
    server.setAttribute('http.route', '/predict');
    server.setAttribute('http.response.status_code', 200);
    server.end();
  };
  // Requests come in ticks of `perTick`, as a busy server answers them, so that the batch processor's
  // timers and exports run between them as they would. The queues hold a whole round: spans are made
  // faster than a service would make them, and a dropped span costs less than an exported one (the
  // receiver checks that none was).
  const round = (requests, perTick) =>
    new Promise((resolve) => {
      let left = requests;
      const tick = () => {
        for (let i = 0; i < perTick && left > 0; i++, left--) request();
        if (left > 0) setImmediate(tick);
        else resolve();
      };
      tick();
    });

  process.on('message', async ({ requests, perTick, exit }) => {
    // A normal exit, so that --cpu-prof writes its profile.
    if (exit) return void flush().then(() => process.exit(0));
    const cpu0 = process.cpuUsage();
    const main0 = mainThreadCpuNs();
    const wall0 = process.hrtime.bigint();
    await round(requests, perTick);
    await flush();
    const main = mainThreadCpuNs() - main0;
    const cpu = process.cpuUsage(cpu0);
    process.send({
      mainNs: main,
      processNs: (cpu.user + cpu.system) * 1000,
      wallNs: Number(process.hrtime.bigint() - wall0),
    });
  });
  process.send({ ready: true });
}

async function main() {
  const args = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const profile = process.argv.includes('--profile');
  const requests = Number(args[0] ?? 4000);
  const rounds = Number(args[1] ?? 8);
  const perTick = Number(process.env.SPAN_BENCH_PER_TICK ?? 16);
  const only = process.env.SPAN_BENCH_VARIANTS?.split(',');
  const names = only ?? ['baseline', 'sdk-json', 'sdk-proto', 'preload-json', 'preload-proto'];

  const receiverProcess = fork(self, [], { env: { ...process.env, SPAN_BENCH_ROLE: 'receiver' } });
  const { port } = await new Promise((resolve) => receiverProcess.once('message', resolve));
  const url = `http://127.0.0.1:${port}`;
  const profileDir = profile ? mkdtempSync(join(tmpdir(), 'span-export-prof-')) : undefined;

  const children = new Map();
  for (const name of names) {
    const execArgv =
      profileDir && name !== 'baseline' ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`] : [];
    const child = fork(self, [], {
      env: {
        ...process.env,
        SPAN_BENCH_ROLE: 'variant',
        SPAN_BENCH_VARIANT: name,
        SPAN_BENCH_URL: `${url}/${name}/v1/traces`,
      },
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise((resolve) => child.once('message', resolve));
    children.set(name, child);
  }
  const runRound = (name) =>
    new Promise((resolve) => {
      const child = children.get(name);
      child.once('message', resolve);
      child.send({ requests, perTick });
    });

  const results = new Map(names.map((name) => [name, []]));
  for (let round = 0; round < rounds + 1; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const result = await runRound(name);
      if (round > 0) results.get(name).push(result); // round 0 warms up
    }
  }
  for (const child of children.values()) {
    child.send({ exit: true });
    await new Promise((resolve) => child.once('exit', resolve));
  }
  receiverProcess.send('tally');
  const received = await new Promise((resolve) => receiverProcess.once('message', resolve));
  receiverProcess.kill();

  const spans = requests * 2;
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const perSpanUs = (name, key) => median(results.get(name).map((r) => r[key] / spans / 1000));
  console.log(
    `${rounds} rounds of ${requests} requests (${spans} spans, ${perTick} requests a tick) per variant, receiver in another process, node ${process.version}`,
  );
  console.log(
    'variant'.padEnd(16),
    'main µs/span'.padStart(13),
    'added µs/span'.padStart(14),
    'added µs/request'.padStart(17),
    'main vs baseline'.padStart(17),
    'process µs/span'.padStart(16),
    'added'.padStart(7),
    'received'.padStart(9),
    'bytes/span'.padStart(11),
  );
  const baseMain = names.includes('baseline') ? perSpanUs('baseline', 'mainNs') : 0;
  const baseProcess = names.includes('baseline') ? perSpanUs('baseline', 'processNs') : 0;
  for (const name of names) {
    const main = perSpanUs(name, 'mainNs');
    const processUs = perSpanUs(name, 'processNs');
    console.log(
      name.padEnd(16),
      main.toFixed(2).padStart(13),
      (main - baseMain).toFixed(2).padStart(14),
      ((main - baseMain) * 2).toFixed(2).padStart(17),
      (baseMain ? main / baseMain : 0).toFixed(2).padStart(17),
      processUs.toFixed(2).padStart(16),
      (processUs - baseProcess).toFixed(2).padStart(7),
      `${Math.round(((received[name]?.spans ?? 0) / (spans * (rounds + 1))) * 100)}%`.padStart(9),
      String(received[name] ? Math.round(received[name].bytes / received[name].spans) : '-').padStart(11),
    );
  }
  if (profileDir) {
    for (const name of names.filter((n) => n !== 'baseline')) {
      const dir = join(profileDir, name);
      // One profile per thread: the main thread's is the one of the lowest thread id (0).
      const files = readdirSync(dir).sort((a, b) => Number(a.split('.')[3]) - Number(b.split('.')[3]));
      files.forEach((file, i) =>
        printTop(`${name}${i === 0 ? '' : ' (export thread)'}`, JSON.parse(readFileSync(join(dir, file), 'utf8'))),
      );
    }
    rmSync(profileDir, { recursive: true, force: true });
  }
}

/** The functions with the most self time in a .cpuprofile (main thread), as a share of the busy time. */
function printTop(name, profile, count = 12) {
  const self = new Map();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const dt = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  let busy = 0;
  for (const [id, us] of dt) {
    const { callFrame } = byId.get(id);
    if (callFrame.functionName === '(idle)' || callFrame.functionName === '(program)') continue;
    const file = callFrame.url.split('/').slice(-2).join('/');
    const key = `${callFrame.functionName || '(anonymous)'} ${file}:${callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + us);
    busy += us;
  }
  console.log(`\n${name}: top functions by self time (share of the main thread's busy time)`);
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    console.log(`  ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${key}`);
  }
}
