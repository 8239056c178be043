import type { InstrumentationContext, InstrumentationEntry, InstrumentationTable } from './instrumentations';
import type { ModelsightNodeOptions, OpenTelemetryInstrumentation, ResolvedConfig } from '../types';
import { warnOnce } from '../diagnostics/warn-once';

const LISTS = [
  { option: 'enabledInstrumentations', variable: 'OTEL_NODE_ENABLED_INSTRUMENTATIONS' },
  { option: 'disabledInstrumentations', variable: 'OTEL_NODE_DISABLED_INSTRUMENTATIONS' },
] as const;

/**
 * Checks the names of `enabledInstrumentations` and `disabledInstrumentations` against `table`. An unknown
 * name in an option throws (a programming error, found at start-up); an unknown name in a variable is
 * ignored and described in the returned warnings, as auto-instrumentations-node does.
 */
export function checkInstrumentationNames(
  table: InstrumentationTable,
  config: ResolvedConfig,
  options: ModelsightNodeOptions,
): string[] {
  const warnings: string[] = [];
  const known = Object.keys(table);
  for (const { option, variable } of LISTS) {
    const names =
      option === 'enabledInstrumentations' ? config.enabledInstrumentations : config.disabledInstrumentations;
    const unknown = (names ?? []).filter((name) => !Object.hasOwn(table, name));
    if (unknown.length === 0) continue;
    if (options[option] !== undefined) {
      throw new TypeError(
        `@modelsight/node: option ${option} = ${JSON.stringify(options[option])} is not valid: ` +
          `${unknown.map((name) => JSON.stringify(name)).join(', ')} is not one of ${known.join(', ')}`,
      );
    }
    warnings.push(
      `${variable} names ${unknown.join(', ')}, which is not an instrumentation of @modelsight/node (${known.join(', ')}); ` +
        `${unknown.length === 1 ? 'it is' : 'they are'} ignored`,
    );
  }
  return warnings;
}

/**
 * The short names of the entries of `table` to run: enabled (every one when no list is given), not
 * disabled, not replaced by an instance of the same name in the `instrumentations` option, and, for the
 * runtime metrics, not turned off by `runtimeMetrics`.
 */
export function selectInstrumentations(table: InstrumentationTable, config: ResolvedConfig): string[] {
  const replaced = new Set(config.instrumentations.map((instrumentation) => instrumentation.instrumentationName));
  return Object.entries(table)
    .filter(
      ([name, entry]) =>
        (config.enabledInstrumentations?.includes(name) ?? true) &&
        !config.disabledInstrumentations.includes(name) &&
        !replaced.has(entry.instrumentationName) &&
        (entry.kind !== 'runtime-metrics' || config.runtimeMetrics),
    )
    .map(([name]) => name);
}

/**
 * Creates the entries `names` of `table` of one kind. An instrumentation that cannot be created (say, its
 * package is broken) is warned about and left out: the service starts without it.
 */
export function createInstrumentations(
  table: InstrumentationTable,
  names: readonly string[],
  kind: InstrumentationEntry['kind'],
  context: InstrumentationContext,
): OpenTelemetryInstrumentation[] {
  const created: OpenTelemetryInstrumentation[] = [];
  for (const name of names) {
    const entry = table[name];
    if (entry?.kind !== kind) continue;
    try {
      created.push(...[entry.create(context)].flat());
    } catch (error) {
      warnOnce(
        `instrumentation:${name}`,
        `the ${name} instrumentation (${entry.instrumentationName}) could not be started and is left out: ` +
          `${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return created;
}
