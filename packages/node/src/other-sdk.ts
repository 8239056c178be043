/** The global registry of `@opentelemetry/api` 1.x, where each registered provider lives under its signal. */
const API_GLOBAL_KEY = Symbol.for('opentelemetry.js.api.1');

/** Which signals already have a provider registered with the OpenTelemetry API (by another SDK). */
export function registeredSignals(): { trace: boolean; metrics: boolean } {
  const registry = (globalThis as Record<symbol, Record<string, unknown> | undefined>)[API_GLOBAL_KEY];
  return { trace: registry?.['trace'] !== undefined, metrics: registry?.['metrics'] !== undefined };
}
