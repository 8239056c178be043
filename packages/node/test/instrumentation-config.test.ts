import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/config';
import type { OpenTelemetryInstrumentation } from '../src/types';

describe('resolveConfig: instrumentations', () => {
  it('runs every built-in instrumentation and no other when nothing is said', () => {
    expect(resolveConfig({}, {})).toMatchObject({
      enabledInstrumentations: undefined,
      disabledInstrumentations: [],
      instrumentations: [],
    });
  });

  it('reads OTEL_NODE_ENABLED_INSTRUMENTATIONS and OTEL_NODE_DISABLED_INSTRUMENTATIONS as trimmed, lower-case names', () => {
    const config = resolveConfig(
      {},
      {
        OTEL_NODE_ENABLED_INSTRUMENTATIONS: ' http, Express ,,undici,http',
        OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'undici',
      },
    );
    expect(config.enabledInstrumentations).toEqual(['http', 'express', 'undici']);
    expect(config.disabledInstrumentations).toEqual(['undici']);
  });

  it('treats a blank OTEL_NODE_ENABLED_INSTRUMENTATIONS as unset', () => {
    expect(resolveConfig({}, { OTEL_NODE_ENABLED_INSTRUMENTATIONS: '  ' }).enabledInstrumentations).toBeUndefined();
  });

  it('lets the options win over the variables', () => {
    const config = resolveConfig(
      { enabledInstrumentations: ['fastify'], disabledInstrumentations: [] },
      { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'express', OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'fastify' },
    );
    expect(config).toMatchObject({ enabledInstrumentations: ['fastify'], disabledInstrumentations: [] });
  });

  it('keeps the instrumentations passed in, in order', () => {
    const http = new HttpInstrumentation({ enabled: false });
    expect(resolveConfig({ instrumentations: [http] }, {}).instrumentations).toEqual([http]);
  });

  it('throws for a name list that is not an array of names, naming the option and its value', () => {
    expect(() => resolveConfig({ disabledInstrumentations: 'express' as unknown as string[] }, {})).toThrow(
      new TypeError(
        '@modelsight/node: option disabledInstrumentations = "express" is not valid: expected an array of instrumentation names',
      ),
    );
    expect(() => resolveConfig({ enabledInstrumentations: ['http', ''] }, {})).toThrow(
      /option enabledInstrumentations = \["http",""\]/,
    );
  });

  it('throws for an instrumentation that is not one, naming its index', () => {
    const notOne = { instrumentationName: 'mine', enable() {} } as unknown as OpenTelemetryInstrumentation;
    expect(() =>
      resolveConfig({ instrumentations: [new HttpInstrumentation({ enabled: false }), notOne] }, {}),
    ).toThrow(
      /^@modelsight\/node: option instrumentations\[1\] = \{"instrumentationName":"mine"\} is not valid: expected an OpenTelemetry instrumentation/,
    );
    expect(() =>
      resolveConfig({ instrumentations: HttpInstrumentation as unknown as OpenTelemetryInstrumentation[] }, {}),
    ).toThrow(/option instrumentations = function HttpInstrumentation is not valid/);
  });
});
