import type { Meter, Observable } from '@opentelemetry/api';
import { DRIFT_INSTRUMENTS } from '../semconv';

/** What each of the monitor's instruments is for. */
export type InstrumentRole = keyof typeof DRIFT_INSTRUMENTS;

/** The monitor's observable instruments, by role. */
export type Instruments = { readonly [Role in InstrumentRole]: Observable };

/** Creates the observable gauges and counters of {@link DRIFT_INSTRUMENTS} on `meter`. */
export function createInstruments(meter: Meter): Instruments {
  const entries = Object.entries(DRIFT_INSTRUMENTS).map(([role, [name, kind, description]]) => [
    role,
    kind === 'gauge'
      ? meter.createObservableGauge(name, { description })
      : meter.createObservableCounter(name, { description }),
  ]);
  return Object.fromEntries(entries) as Instruments;
}
