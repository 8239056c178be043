import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { FastifyBaseLogger } from 'fastify';

/** One warning about a request the service turned away. */
export interface RejectionWarning {
  /** The route's pattern, e.g. `/predict`. */
  readonly route: string;
  /** The HTTP status it was answered with. */
  readonly status: number;
  /** Why, from a closed set (a rejection reason, a feedback outcome): with the route, it keys the limit. */
  readonly reason: string;
  /** The line's message; never a value the client sent. */
  readonly message: string;
}

interface Window {
  /** Warnings of this kind since the window opened that got no line of their own. */
  suppressed: number;
}

/**
 * Warning lines for requests turned away, at most one line per route and reason per interval, so that
 * a flood of bad requests costs a bounded amount of log: the first of a kind is written in full (with
 * its trace ID), the ones after it within `intervalMs` are only counted, and when the interval ends one
 * line says how many there were. The counters (`http_rejected_requests_total`, `ml_feedback_total`)
 * stay exact either way. `intervalMs` 0 writes every warning.
 */
export class RejectionLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly summaryLogger: FastifyBaseLogger,
    private readonly intervalMs: number,
  ) {}

  /** Writes the line of one warning on `logger` (the request's), or counts it for the summary. */
  write(logger: FastifyBaseLogger, warning: RejectionWarning): void {
    const key = `${warning.route} ${warning.reason}`;
    const open = this.windows.get(key);
    if (open !== undefined) {
      open.suppressed += 1;
      return;
    }
    logger.warn({ reason: warning.reason, status: warning.status, route: warning.route }, warning.message);
    if (this.intervalMs > 0) this.openWindow(key, warning);
  }

  private openWindow(key: string, { route, status, reason }: RejectionWarning): void {
    const window: Window = { suppressed: 0 };
    this.windows.set(key, window);
    const close = (): void => {
      if (window.suppressed === 0) {
        this.windows.delete(key);
        return;
      }
      this.summaryLogger.warn(
        { reason, status, route, suppressed: window.suppressed, interval_ms: this.intervalMs },
        `${window.suppressed} more requests answered ${status} for ${reason} in the last ${this.intervalMs / 1000} s ` +
          '(one warning per route and reason per interval)',
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

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's rate-limited warnings for requests it turns away. */
    rejectionLog: RejectionLog;
  }
}
