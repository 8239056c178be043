/** The global registry of `@opentelemetry/api` 1.x, where each registered provider lives under its signal. */
const API_GLOBAL_KEY = Symbol.for('opentelemetry.js.api.1');
/** Where `@opentelemetry/api-logs` keeps the global logger provider. */
const LOGS_API_GLOBAL_KEY = Symbol.for('io.opentelemetry.js.api.logs');

type Registry = Record<symbol, Record<string, unknown> | undefined>;

/** Which signals already have a provider registered with the OpenTelemetry API (by another SDK). */
export function registeredSignals(): { trace: boolean; metrics: boolean; logs: boolean } {
  const registry = (globalThis as Registry)[API_GLOBAL_KEY];
  return {
    trace: registry?.['trace'] !== undefined,
    metrics: registry?.['metrics'] !== undefined,
    logs: (globalThis as Registry)[LOGS_API_GLOBAL_KEY] !== undefined,
  };
}

/**
 * Unregisters the global logger provider. The NodeSDK registers one even without a log processor; left in
 * place, it would make the logs API refuse, without a word, the provider an app registers to ship its own
 * logs, and drop them. Same effect as `logs.disable()` for every copy of `@opentelemetry/api-logs`.
 */
export function unregisterLoggerProvider(): void {
  delete (globalThis as Registry)[LOGS_API_GLOBAL_KEY];
}
