import { ReportOnce } from '@modelsight/internal';
import { NODE } from '../config/env-config';

const reporter = new ReportOnce(NODE);
// Bad environment values are remembered by the process: `@modelsight/core` reads two of the preload's
// variables too, and one bad value is one warning.
const envReporter = new ReportOnce(NODE, 'process');

/**
 * Writes a warning through `diag` the first time a cause is seen, and never again for that cause:
 * a collector that stays down must not fill the service's logs.
 */
export function warnOnce(cause: string, message: string): void {
  reporter.report(cause, message);
}

/** Writes the sentence of a bad environment value once per process, whichever package read the variable. */
export function warnEnvOnce(message: string): void {
  envReporter.report(message, message);
}

/** Writes what the package decided, at `info` level. */
export function note(message: string): void {
  reporter.note(message);
}

// Failure reasons already reported by the exporter wrappers. The SDK passes the same failures to its global
// error handler, which logs them through `diag.error`; the logger drops those repeats.
const reportedReasons = new Set<string>();

/** Remembers that `reason` (an error message) has been reported to the user. */
export function rememberReported(reason: string): void {
  if (reportedReasons.size < 64) reportedReasons.add(reason);
}

/** Whether a `diag.error` message is the SDK's copy of an already-reported failure. */
export function isAlreadyReported(message: string): boolean {
  if (reportedReasons.size === 0 || !message.startsWith('{')) return reportedReasons.has(message);
  try {
    const parsed = JSON.parse(message) as { message?: unknown };
    return typeof parsed.message === 'string' && reportedReasons.has(parsed.message);
  } catch {
    return false;
  }
}
