// Cost per span of the query redaction that every exported span passes (src/traces/query-redaction-processor.ts):
// spans with the attributes of an HTTP server span are started and ended on a tracer whose only other
// processor drops them, with and without the redaction, in interleaved rounds of the same run.
//   plain  no attribute holds a query string (the common case: five property reads)
//   query  url.full, url.path and url.query carry `?token=…&page=…` (a redaction of each)
// Run: node packages/node/bench/span-redaction.mjs [spans per round] [rounds]
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const spansPerRound = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 7);

// The processor from source, bundled to one CommonJS file; the API and the SDK are loaded from node_modules.
const dir = mkdtempSync(join(tmpdir(), 'modelsight-bench-'));
const outfile = join(dir, 'redaction.cjs');
await build({
  entryPoints: [join(here, '../src/traces/query-redaction-processor.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile,
  external: ['@opentelemetry/api'],
  logLevel: 'error',
});
const require = createRequire(join(here, '../package.json'));
const { QueryRedactionSpanProcessor } = require(outfile);
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
rmSync(dir, { recursive: true, force: true });

const drop = { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} };
const tracers = {
  baseline: new BasicTracerProvider({ spanProcessors: [drop] }).getTracer('bench'),
  redaction: new BasicTracerProvider({
    spanProcessors: [new QueryRedactionSpanProcessor([]), drop],
  }).getTracer('bench'),
};
const common = {
  'http.request.method': 'POST',
  'http.route': '/things/:id',
  'http.response.status_code': 200,
  'network.protocol.version': '1.1',
  'server.address': '127.0.0.1',
  'server.port': 3000,
  'client.address': '127.0.0.1',
  'user_agent.original': 'node',
  'url.scheme': 'http',
};
const shapes = {
  plain: { ...common, 'url.path': '/things/42', 'url.full': 'http://127.0.0.1:3000/things/42' },
  query: {
    ...common,
    'url.path': '/things/42?token=SECRET123&page=2',
    'url.full': 'http://127.0.0.1:3000/things/42?token=SECRET123&page=2',
    'url.query': 'token=SECRET123&page=2',
  },
};

function run(tracer, attributes) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < spansPerRound; i++) tracer.startSpan('POST /things/:id', { attributes }).end();
  return Number(process.hrtime.bigint() - start) / spansPerRound;
}

for (const [shape, attributes] of Object.entries(shapes)) {
  // Warm-up, then rounds alternating which tracer goes first.
  run(tracers.baseline, attributes);
  run(tracers.redaction, attributes);
  const ns = { baseline: [], redaction: [] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ['baseline', 'redaction'] : ['redaction', 'baseline'];
    for (const name of order) ns[name].push(run(tracers[name], attributes));
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const base = median(ns.baseline);
  const withRedaction = median(ns.redaction);
  console.log(
    `${shape.padEnd(5)}  baseline ${base.toFixed(0)} ns/span  with redaction ${withRedaction.toFixed(0)} ns/span  ` +
      `ratio ${(withRedaction / base).toFixed(3)}  (+${(withRedaction - base).toFixed(0)} ns)`,
  );
}
