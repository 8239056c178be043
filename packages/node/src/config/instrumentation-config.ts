import type { NodeEnvReader } from './env-config';
import type { ModelsightNodeOptions, OpenTelemetryInstrumentation, ResolvedConfig } from '../types';

type InstrumentationConfig = Pick<
  ResolvedConfig,
  'enabledInstrumentations' | 'disabledInstrumentations' | 'instrumentations'
>;

/**
 * Which instrumentations to run, from options, then `OTEL_NODE_ENABLED_INSTRUMENTATIONS` and
 * `OTEL_NODE_DISABLED_INSTRUMENTATIONS` (comma-separated short names, as in
 * `@opentelemetry/auto-instrumentations-node`). Names are checked against the instrumentations that exist
 * when they are selected (see `selectInstrumentations`), not here.
 */
export function resolveInstrumentationConfig(
  options: ModelsightNodeOptions,
  read: NodeEnvReader,
): InstrumentationConfig {
  return {
    enabledInstrumentations:
      options.enabledInstrumentations !== undefined
        ? nameList('enabledInstrumentations', options.enabledInstrumentations)
        : read.lowerCaseNames('OTEL_NODE_ENABLED_INSTRUMENTATIONS'),
    disabledInstrumentations:
      options.disabledInstrumentations !== undefined
        ? nameList('disabledInstrumentations', options.disabledInstrumentations)
        : (read.lowerCaseNames('OTEL_NODE_DISABLED_INSTRUMENTATIONS') ?? []),
    instrumentations: options.instrumentations !== undefined ? instrumentationList(options.instrumentations) : [],
  };
}

function nameList(option: string, value: readonly string[]): string[] {
  if (!Array.isArray(value) || value.some((name) => typeof name !== 'string' || name.trim() === '')) {
    throw new TypeError(
      `@modelsight/node: option ${option} = ${JSON.stringify(value)} is not valid: expected an array of instrumentation names`,
    );
  }
  return [...new Set(value.map((name) => name.trim().toLowerCase()))];
}

function instrumentationList(value: readonly OpenTelemetryInstrumentation[]): OpenTelemetryInstrumentation[] {
  if (!Array.isArray(value)) {
    throw new TypeError(
      `@modelsight/node: option instrumentations = ${describe(value)} is not valid: expected an array of OpenTelemetry instrumentations`,
    );
  }
  value.forEach((item, index) => {
    if (!isInstrumentation(item)) {
      throw new TypeError(
        `@modelsight/node: option instrumentations[${index}] = ${describe(item)} is not valid: expected an OpenTelemetry instrumentation ` +
          '(an object with instrumentationName, enable(), disable(), setTracerProvider(), setMeterProvider() and getConfig(), e.g. new HttpInstrumentation())',
      );
    }
  });
  return [...value];
}

function isInstrumentation(value: unknown): value is OpenTelemetryInstrumentation {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate['instrumentationName'] === 'string' &&
    ['enable', 'disable', 'setTracerProvider', 'setMeterProvider', 'getConfig'].every(
      (method) => typeof candidate[method] === 'function',
    )
  );
}

function describe(value: unknown): string {
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
