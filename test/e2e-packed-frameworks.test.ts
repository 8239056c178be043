import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPackedApp, type PackedApp } from './support/packed-app';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { predict, startPreloaded, type PreloadedService, type PreloadMode } from './support/service-process';

// The packages as users get them: every workspace package packed with `npm pack` and installed from the
// tarballs into a fresh app outside the workspace, with Express and Fastify from the registry and the
// OpenTelemetry API line npm resolves there. The app's Express and Fastify services run under the preload
// and export with the real OTLP/HTTP exporter to a receiver on loopback.
const FIXTURES = resolve(__dirname, 'fixtures/framework-apps');
const FIXTURE_FILES = [
  'service.cjs',
  'express-routes.cjs',
  'express-app.cjs',
  'express-app.mjs',
  'fastify-routes.cjs',
  'fastify-app.cjs',
  'fastify-app.mjs',
];
/** The version the workspace has, which the npm cache holds. */
const workspaceVersion = (name: string) =>
  (createRequire(__filename)(`${name}/package.json`) as { version: string }).version;

const SERVER = 2;
const CLIENT = 3;
const PREDICT_SPAN = 'predict churn-model';
const FRAMEWORK_SCOPE = { express: '@opentelemetry/instrumentation-express', fastify: '@fastify/otel' } as const;
type Framework = keyof typeof FRAMEWORK_SCOPE;

let app: PackedApp;
let store: Server;
let storeUrl: string;

beforeAll(async () => {
  app = await installPackedApp({
    files: FIXTURE_FILES.map((file) => join(FIXTURES, file)),
    dependencies: [
      `express@${workspaceVersion('express')}`,
      `fastify@${workspaceVersion('fastify')}`,
      '@opentelemetry/api',
    ],
  });
  // The feature store the services look customers up in, with fetch().
  store = createServer((request, response) => {
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ support_calls: request.url?.endsWith('/c2') ? 3 : 0 }));
  });
  await new Promise<void>((done) => store.listen(0, '127.0.0.1', done));
  storeUrl = `http://127.0.0.1:${(store.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((done) => (store ? store.close(done) : done(undefined)));
  await app?.remove();
});

describe('the packages installed from their tarballs into a fresh app', () => {
  it('bring no OpenTelemetry package but the API: the SDK is bundled into @modelsight/node', async () => {
    const installed = await app.installedPackages();
    const openTelemetry = [...installed.keys()].filter((name) => name.startsWith('@opentelemetry/'));
    expect(openTelemetry).toEqual(['@opentelemetry/api']);
    expect(installed.get('@opentelemetry/api')).toHaveLength(1);
    expect([...installed.keys()].filter((name) => /grpc|protobuf/.test(name))).toEqual([]);
  });

  it('let npm install @modelsight/core beside the 3.x metrics SDK (its peer range accepts both lines)', async () => {
    const output = await app.npm([
      'install',
      '--dry-run',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '@opentelemetry/sdk-metrics@^3',
    ]);
    expect(output).toMatch(/added \d+ package/);
  });
});

interface Scenario {
  service: PreloadedService;
  receiver: OtlpReceiver;
  traceIds: string[];
  spans: ReceivedSpan[];
  metrics: string;
}

/**
 * Starts `script` of the packed app under the preload, sends two predictions and two model look-ups, and
 * waits for the spans of each prediction: its predict span, its server span and, unless `client` is
 * false, the client span of its fetch to the feature store.
 */
async function runScenario(
  script: string,
  mode: PreloadMode,
  env: Record<string, string> = {},
  client = true,
): Promise<Scenario> {
  const receiver = await startOtlpReceiver();
  const service = await startPreloaded({
    script: join(app.dir, script),
    cwd: app.dir,
    preload: mode,
    collector: receiver.url,
    env: { FEATURE_STORE_URL: storeUrl, ...env },
  });
  try {
    const traceIds: string[] = [];
    for (const customer of ['c1', 'c2']) {
      traceIds.push((await predict(service, {}, '', { features: { customer, tenure: 4, charges: 70 } })).traceId);
    }
    for (const name of ['churn-model', 'no-such-model']) await fetch(`${service.url}/models/${name}`);
    const spans = await receiver.waitForSpans((received) =>
      traceIds.every((traceId) => {
        const ofTrace = received.filter((span) => span.traceId === traceId);
        return (
          ofTrace.some((span) => span.name === PREDICT_SPAN) &&
          ofTrace.some((span) => span.kind === SERVER) &&
          (!client || ofTrace.some((span) => span.kind === CLIENT))
        );
      }),
    );
    return { service, receiver, traceIds, spans, metrics: await service.scrape() };
  } catch (error) {
    // The describe's afterAll gets no scenario to end: stop the service here.
    await endScenario({ service, receiver });
    throw error;
  }
}

async function endScenario(scenario: Pick<Scenario, 'service' | 'receiver'> | undefined): Promise<void> {
  await scenario?.service.stop();
  await scenario?.receiver.close();
}

/** The span's parent, grandparent, … up to the root of its trace. */
function ancestors(span: ReceivedSpan, spans: ReceivedSpan[]): ReceivedSpan[] {
  const chain: ReceivedSpan[] = [];
  for (let current = span; current.parentSpanId !== ''; ) {
    const parent = spans.find((candidate) => candidate.spanId === current.parentSpanId);
    if (!parent) break;
    chain.push(parent);
    current = parent;
  }
  return chain;
}

/** Requests counted by `http_server_request_duration` on /metrics for one method and route. */
function requestCount(metrics: string, method: string, route: string | undefined): number {
  return metrics
    .split('\n')
    .filter(
      (line) =>
        line.startsWith('http_server_request_duration_count{') &&
        line.includes(`http_request_method="${method}"`) &&
        (route === undefined ? !line.includes('http_route=') : line.includes(`http_route="${route}"`)),
    )
    .reduce((total, line) => total + Number(line.split(' ').at(-1)), 0);
}

describe.each<[Framework, PreloadMode, string]>([
  ['express', 'require', 'express-app.cjs'],
  ['express', 'import', 'express-app.mjs'],
  ['fastify', 'require', 'fastify-app.cjs'],
  ['fastify', 'import', 'fastify-app.mjs'],
])('a %s service run with node --%s @modelsight/node/register', (framework, mode, script) => {
  let scenario: Scenario;
  const spansOf = (traceId: string) => scenario.spans.filter((span) => span.traceId === traceId);
  const serverSpan = (traceId: string) => spansOf(traceId).find((span) => span.kind === SERVER)!;

  beforeAll(async () => {
    scenario = await runScenario(script, mode);
  });
  afterAll(() => endScenario(scenario));

  it('names the server span of each prediction POST /predict, with http.route /predict', () => {
    for (const traceId of scenario.traceIds) {
      expect(serverSpan(traceId)).toMatchObject({
        name: 'POST /predict',
        scope: { name: '@opentelemetry/instrumentation-http' },
        attributes: expect.objectContaining({ 'http.route': '/predict', 'http.response.status_code': 200 }),
      });
    }
  });

  it(`puts the predict span right under that server span, with no span of ${framework} by default`, () => {
    for (const traceId of scenario.traceIds) {
      const predictSpan = spansOf(traceId).find((span) => span.name === PREDICT_SPAN)!;
      expect(ancestors(predictSpan, scenario.spans)).toEqual([serverSpan(traceId)]);
    }
    expect(scenario.spans.filter((span) => span.scope.name === FRAMEWORK_SCOPE[framework])).toEqual([]);
  });

  it('traces the fetch to the feature store as a client span of the same request', () => {
    for (const traceId of scenario.traceIds) {
      const clientSpan = spansOf(traceId).find((span) => span.kind === CLIENT)!;
      expect(clientSpan.scope.name).toBe('@opentelemetry/instrumentation-undici');
      expect(String(clientSpan.attributes['url.full'])).toMatch(new RegExp(`^${storeUrl}/customers/c[12]$`));
      expect(ancestors(clientSpan, scenario.spans)).toContain(serverSpan(traceId));
    }
  });

  it('labels http_server_request_duration on /metrics with the route, never with the path', () => {
    expect(requestCount(scenario.metrics, 'POST', '/predict')).toBe(2);
    expect(requestCount(scenario.metrics, 'GET', '/models/:name')).toBe(2);
    expect(scenario.metrics).not.toContain('/models/churn-model');
    expect(scenario.metrics).not.toContain('/models/no-such-model');
  });

  it('writes no warning', () => {
    expect(scenario.service.stderr()).toBe('');
  });
});

describe.each<[Framework, PreloadMode, string]>([
  ['express', 'require', 'express-app.cjs'],
  ['fastify', 'import', 'fastify-app.mjs'],
])('MODELSIGHT_FRAMEWORK_SPANS=true on the %s service (--%s)', (framework, mode, script) => {
  let scenario: Scenario;
  beforeAll(async () => {
    scenario = await runScenario(script, mode, { MODELSIGHT_FRAMEWORK_SPANS: 'true' });
  });
  afterAll(() => endScenario(scenario));

  it(`puts the spans of ${framework} between the server span, still named after the route, and the predict span`, () => {
    for (const traceId of scenario.traceIds) {
      const ofTrace = scenario.spans.filter((span) => span.traceId === traceId);
      const server = ofTrace.find((span) => span.kind === SERVER)!;
      expect(server).toMatchObject({
        name: 'POST /predict',
        attributes: expect.objectContaining({ 'http.route': '/predict' }),
      });
      const chain = ancestors(ofTrace.find((span) => span.name === PREDICT_SPAN)!, scenario.spans);
      expect(chain.at(-1)).toBe(server);
      expect(chain[0]!.scope.name).toBe(FRAMEWORK_SCOPE[framework]);
    }
    expect(requestCount(scenario.metrics, 'GET', '/models/:name')).toBe(2);
  });
});

describe('OTEL_NODE_DISABLED_INSTRUMENTATIONS=express,undici on the Express service', () => {
  let scenario: Scenario;
  beforeAll(async () => {
    scenario = await runScenario(
      'express-app.cjs',
      'require',
      { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'express,undici' },
      false,
    );
  });
  afterAll(() => endScenario(scenario));

  it('leaves out the spans of Express and of fetch, and the server spans know the method only', () => {
    expect(scenario.spans.filter((span) => span.scope.name === FRAMEWORK_SCOPE.express)).toEqual([]);
    expect(scenario.spans.filter((span) => span.kind === CLIENT)).toEqual([]);
    const servers = scenario.spans.filter((span) => span.kind === SERVER && scenario.traceIds.includes(span.traceId));
    expect(servers.map((span) => [span.name, span.attributes['http.route']])).toEqual([
      ['POST', undefined],
      ['POST', undefined],
    ]);
    expect(requestCount(scenario.metrics, 'POST', undefined)).toBe(2);
  });

  it('keeps each predict span a child of its server span', () => {
    for (const traceId of scenario.traceIds) {
      const predictSpan = scenario.spans.find((span) => span.traceId === traceId && span.name === PREDICT_SPAN)!;
      expect(ancestors(predictSpan, scenario.spans).map((span) => span.kind)).toEqual([SERVER]);
    }
  });
});

describe('OTEL_NODE_ENABLED_INSTRUMENTATIONS=http,undici,fastfy on the Fastify service (ESM)', () => {
  let scenario: Scenario;
  beforeAll(async () => {
    scenario = await runScenario('fastify-app.mjs', 'import', {
      OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,undici,fastfy',
    });
  });
  afterAll(() => endScenario(scenario));

  it('runs the instrumentations named, and no other', () => {
    const scopes = new Set(scenario.spans.map((span) => span.scope.name));
    expect([...scopes].sort()).toEqual([
      '@modelsight/core',
      '@opentelemetry/instrumentation-http',
      '@opentelemetry/instrumentation-undici',
    ]);
  });

  it('warns once about the name it does not know, and runs on', () => {
    const warnings = scenario.service
      .stderr()
      .split('\n')
      .filter((line) => line.includes('fastfy'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('OTEL_NODE_ENABLED_INSTRUMENTATIONS names fastfy');
  });
});
