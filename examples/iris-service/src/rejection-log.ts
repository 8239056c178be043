import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { FastifyBaseLogger } from 'fastify';
import type { Rejection } from './rejections';

interface Window {
  /** Rejections of this kind since the window opened that got no line of their own. */
  suppressed: number;
}

/**
 * Warning lines for rejected requests, at most one line per route and reason per interval, so that a
 * flood of bad requests costs a bounded amount of log: the first rejection of a kind is written in full
 * (with its trace ID), the ones after it within `intervalMs` are only counted, and when the interval
 * ends one line says how many there were. The counter `http_rejected_requests_total` stays exact either
 * way. `intervalMs` 0 writes every rejection.
 */
export class RejectionLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly summaryLogger: FastifyBaseLogger,
    private readonly intervalMs: number,
  ) {}

  /** Writes the line of one rejection on `logger` (the request's), or counts it for the summary. */
  write(logger: FastifyBaseLogger, route: string, status: number, rejection: Rejection): void {
    const key = `${route} ${rejection.reason}`;
    const open = this.windows.get(key);
    if (open !== undefined) {
      open.suppressed += 1;
      return;
    }
    logger.warn({ reason: rejection.reason, status, route }, `rejected: ${rejection.message}`);
    if (this.intervalMs > 0) this.openWindow(key, route, status, rejection);
  }

  private openWindow(key: string, route: string, status: number, rejection: Rejection): void {
    const window: Window = { suppressed: 0 };
    this.windows.set(key, window);
    const close = (): void => {
      if (window.suppressed === 0) {
        this.windows.delete(key);
        return;
      }
      this.summaryLogger.warn(
        { reason: rejection.reason, status, route, suppressed: window.suppressed, interval_ms: this.intervalMs },
        `${window.suppressed} more requests rejected for ${rejection.reason} in the last ${this.intervalMs / 1000} s (one warning per reason per interval)`,
      );
      // A flood goes on: the next interval is counted too, so it costs one line per interval.
      window.suppressed = 0;
      schedule();
    };
    // Out of the request's context: the summary speaks for many requests, not for the one that opened it.
    // Unreferenced: a pending summary never keeps the process alive.
    const schedule = (): void => {
      context.with(ROOT_CONTEXT, () => setTimeout(close, this.intervalMs).unref());
    };
    schedule();
  }
}
