import { DiagLogLevel, diag } from '@opentelemetry/api';

/** What was written through `diag` at `warn` and `error` level since the capture began. */
export interface DiagCapture {
  /** One string per call: the message and its other arguments, joined by spaces. */
  readonly warnings: string[];
  /** Forgets what was captured. */
  reset(): void;
}

/** Replaces the `diag` logger with one that keeps warnings and errors, for tests of what a package reports. */
export function captureDiag(): DiagCapture {
  const warnings: string[] = [];
  const record = (message: string, ...args: unknown[]) => warnings.push([message, ...args.map(String)].join(' '));
  diag.disable();
  diag.setLogger(
    { error: record, warn: record, info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.WARN,
  );
  return { warnings, reset: () => warnings.splice(0) };
}
