import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { OpenTelemetryInstrumentation } from '../types';

/**
 * Stands in for an instrumentation that the configuration leaves without work (NestJS without framework
 * spans): it keeps the entry's name, so that the `instrumentations` option can still replace it, and
 * patches nothing, loads nothing, stays disabled when the SDK enables it.
 */
export function dormantInstrumentation(instrumentationName: string): OpenTelemetryInstrumentation {
  return {
    instrumentationName,
    instrumentationVersion: '0.0.0',
    enable: () => undefined,
    disable: () => undefined,
    setTracerProvider: (_tracerProvider: TracerProvider) => undefined,
    setMeterProvider: (_meterProvider: MeterProvider) => undefined,
    getConfig: () => ({ enabled: false }),
  };
}
