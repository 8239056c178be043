import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/config';
import { HttpServerDurations } from '../src/instrumentations/http-server-durations';
import {
  NODE_INSTRUMENTATIONS,
  type InstrumentationContext,
  type InstrumentationTable,
} from '../src/instrumentations/instrumentations';
import {
  checkInstrumentationNames,
  createInstrumentations,
  selectInstrumentations,
} from '../src/instrumentations/select-instrumentations';
import type { ModelsightNodeOptions, OpenTelemetryInstrumentation } from '../src/types';

const ALL = ['http', 'express', 'fastify', 'koa', 'nestjs-core', 'undici', 'pino', 'runtime-node', 'host-metrics'];
const CONTEXT: InstrumentationContext = {
  httpServer: {
    ignore: () => false,
    keepQueryParams: [],
    attach: () => undefined,
    durations: new HttpServerDurations(10, { explicit: true, exponential: false }),
  },
  http: {},
  undici: {},
  frameworkSpans: false,
};

const select = (options: ModelsightNodeOptions, env: Record<string, string> = {}) =>
  selectInstrumentations(NODE_INSTRUMENTATIONS, resolveConfig(options, env));
const check = (options: ModelsightNodeOptions, env: Record<string, string> = {}) =>
  checkInstrumentationNames(NODE_INSTRUMENTATIONS, resolveConfig(options, env), options);

describe('checkInstrumentationNames', () => {
  it('accepts the names of the built-in instrumentations', () => {
    expect(
      check({}, { OTEL_NODE_ENABLED_INSTRUMENTATIONS: ALL.join(','), OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pino' }),
    ).toEqual([]);
  });

  it('describes the unknown names of each variable in one warning, naming the known ones', () => {
    expect(
      check(
        {},
        { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,expres,fastfy', OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'mongodb' },
      ),
    ).toEqual([
      `OTEL_NODE_ENABLED_INSTRUMENTATIONS names expres, fastfy, which is not an instrumentation of @modelsight/node (${ALL.join(', ')}); they are ignored`,
      `OTEL_NODE_DISABLED_INSTRUMENTATIONS names mongodb, which is not an instrumentation of @modelsight/node (${ALL.join(', ')}); it is ignored`,
    ]);
  });

  it('throws for an unknown name in an option, naming the option, its value and the known names', () => {
    expect(() => check({ disabledInstrumentations: ['expres'] })).toThrow(
      new TypeError(
        `@modelsight/node: option disabledInstrumentations = ["expres"] is not valid: "expres" is not one of ${ALL.join(', ')}`,
      ),
    );
  });
});

describe('selectInstrumentations', () => {
  it('selects every built-in instrumentation by default', () => {
    expect(select({})).toEqual(ALL);
  });

  it('selects only the enabled ones when a list is given, leaving out unknown names', () => {
    expect(select({}, { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'undici,http,nosuch' })).toEqual(['http', 'undici']);
  });

  it('lets a disabled name win over an enabled one', () => {
    expect(
      select(
        {},
        { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,express', OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'express' },
      ),
    ).toEqual(['http']);
  });

  it('leaves out the runtime metrics when runtimeMetrics is off', () => {
    expect(select({ runtimeMetrics: false })).toEqual([
      'http',
      'express',
      'fastify',
      'koa',
      'nestjs-core',
      'undici',
      'pino',
    ]);
  });

  it('leaves out a built-in instrumentation replaced by one of the same name in the instrumentations option', () => {
    const http = new HttpInstrumentation({ enabled: false });
    expect(select({ instrumentations: [http] })).toEqual(ALL.filter((name) => name !== 'http'));
  });
});

describe('createInstrumentations', () => {
  const messages: string[] = [];
  const logger: DiagLogger = {
    error: (message) => messages.push(message),
    warn: (message) => messages.push(message),
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
  const created: OpenTelemetryInstrumentation[] = [];
  beforeEach(() => {
    messages.length = 0;
    diag.setLogger(logger, DiagLogLevel.WARN);
  });
  afterEach(() => {
    for (const instrumentation of created.splice(0)) instrumentation.disable();
    diag.disable();
  });

  it('creates each built-in instrumentation under the instrumentationName its entry declares', () => {
    for (const [name, entry] of Object.entries(NODE_INSTRUMENTATIONS)) {
      const [instrumentation, ...others] = createInstrumentations(NODE_INSTRUMENTATIONS, [name], entry.kind, {
        ...CONTEXT,
        frameworkSpans: true,
      });
      created.push(instrumentation!, ...others);
      expect(instrumentation!.instrumentationName, name).toBe(entry.instrumentationName);
    }
    // The http entry also creates the server spans' instrumentation.
    expect(created.map((instrumentation) => instrumentation.instrumentationName)).toContain(
      '@modelsight/node/http-server',
    );
    expect(created).toHaveLength(ALL.length + 1);
  });

  it('creates, without frameworkSpans, instrumentations of Express and Fastify that only report the route', () => {
    created.push(...createInstrumentations(NODE_INSTRUMENTATIONS, ['express', 'fastify'], 'traces', CONTEXT));
    expect(created.map((instrumentation) => instrumentation.instrumentationName)).toEqual([
      '@modelsight/node/express-route',
      '@modelsight/node/fastify-route',
    ]);
  });

  it('leaves the NestJS instrumentation unloaded and disabled without frameworkSpans, also when the SDK enables it', () => {
    const create = (frameworkSpans: boolean) => {
      const [nest] = createInstrumentations(NODE_INSTRUMENTATIONS, ['nestjs-core'], 'traces', {
        ...CONTEXT,
        frameworkSpans,
      });
      created.push(nest!);
      nest!.enable();
      return nest as unknown as { getConfig(): { enabled?: boolean }; isEnabled?: () => boolean };
    };
    const dormant = create(false);
    expect(dormant.getConfig().enabled).toBe(false);
    expect(dormant.isEnabled).toBeUndefined();
    expect(create(true).isEnabled?.()).toBe(true);
  });

  it('creates the runtime metrics disabled, to be started on the meter provider of /metrics', () => {
    created.push(...createInstrumentations(NODE_INSTRUMENTATIONS, ALL, 'runtime-metrics', CONTEXT));
    expect(created.map((instrumentation) => instrumentation.getConfig().enabled)).toEqual([false, false]);
  });

  it('leaves out an instrumentation that cannot be created, with one warning naming it, and creates the others', () => {
    const table: InstrumentationTable = {
      broken: {
        kind: 'traces',
        instrumentationName: '@example/broken',
        create: () => {
          throw new Error('Cannot find module @example/lib');
        },
      },
      http: NODE_INSTRUMENTATIONS['http']!,
    };
    created.push(...createInstrumentations(table, ['broken', 'http'], 'traces', CONTEXT));
    expect(created.map((instrumentation) => instrumentation.instrumentationName)).toEqual([
      '@opentelemetry/instrumentation-http',
      '@modelsight/node/http-server',
    ]);
    expect(messages).toEqual([
      '@modelsight/node: the broken instrumentation (@example/broken) could not be started and is left out: Cannot find module @example/lib',
    ]);
  });
});
