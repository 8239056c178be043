import { diag } from '@opentelemetry/api';
import type { ExportResponse, IExporterTransport } from '@opentelemetry/otlp-exporter-base';

// The retry policy of @opentelemetry/otlp-exporter-base (retrying-transport.ts): a retryable answer (429,
// 502, 503, 504, or a connection refused, reset or timed out) is tried again after an exponential backoff,
// or after the collector's Retry-After, as long as the export timeout allows.
const MAX_RETRIES = 5;
const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 5000;
const BACKOFF_MULTIPLIER = 1.5;
const JITTER = 0.2;

/**
 * The retries of an OTLP exporter, as the exporter does them, until shutdown begins. From then on no retry
 * is started, a retry waiting for its turn gives up at once, and a request ends by the shutdown deadline:
 * a collector that refuses connections must not hold a shutdown for the full export timeout, and nothing
 * may be sent after the deadline the user set.
 */
export class ShutdownAwareRetries implements IExporterTransport {
  private deadline: number | undefined;
  private readonly waiting = new Set<() => void>();
  private lastStatus: ExportResponse['status'] | undefined;

  constructor(private readonly transport: IExporterTransport) {}

  /** No more retries; requests end by `deadline` (ms since the epoch); retries waiting give up now. */
  endBy(deadline: number): void {
    this.deadline = deadline;
    for (const giveUp of this.waiting) giveUp();
  }

  /** Whether the last request answered since shutdown began failed; `false` when none has ended since. */
  failedSinceShutdown(): boolean {
    return this.deadline !== undefined && this.lastStatus !== undefined && this.lastStatus !== 'success';
  }

  async send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
    const exportDeadline = Date.now() + timeoutMillis;
    let result = await this.attempt(data, timeoutMillis);
    let backoff = INITIAL_BACKOFF_MS;
    for (let retries = 0; result.status === 'retryable' && retries < MAX_RETRIES; retries++) {
      if (this.deadline !== undefined) break;
      const jittered = Math.max(Math.min(backoff * (1 + (Math.random() * 2 - 1) * JITTER), MAX_BACKOFF_MS), 0);
      backoff *= BACKOFF_MULTIPLIER;
      const delay = result.retryInMillis ?? jittered;
      const remaining = exportDeadline - Date.now();
      if (delay > remaining) break;
      if (!(await this.wait(delay))) break;
      result = await this.attempt(data, exportDeadline - Date.now());
    }
    return result;
  }

  shutdown(): void {
    this.transport.shutdown();
  }

  private async attempt(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
    const timeout = this.deadline === undefined ? timeoutMillis : Math.min(timeoutMillis, this.deadline - Date.now());
    const result: ExportResponse =
      timeout > 0
        ? await this.transport.send(data, timeout)
        : { status: 'failure', error: new Error('the shutdown deadline has passed') };
    if (this.deadline !== undefined) this.lastStatus = result.status;
    return result;
  }

  /** Resolves `true` after `ms`, or `false` as soon as shutdown begins. */
  private wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const giveUp = () => {
        clearTimeout(timer);
        this.waiting.delete(giveUp);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.waiting.delete(giveUp);
        resolve(true);
      }, ms);
      this.waiting.add(giveUp);
    });
  }
}

/**
 * Replaces the retries of an OTLP/HTTP exporter of `@opentelemetry/exporter-*-otlp-*` by
 * {@link ShutdownAwareRetries} and returns them. The exporter keeps its retrying transport in private fields
 * (`_delegate._transport`, wrapping the HTTP transport in `_transport`); the exporters are bundled at a pinned
 * version, and a test checks the shape. When it is not the expected one, the exporter is left as it is.
 */
export function shutdownAwareRetries(exporter: object): ShutdownAwareRetries | undefined {
  const delegate = (exporter as { _delegate?: { _transport?: unknown } })._delegate;
  const http = (delegate?._transport as { _transport?: Partial<IExporterTransport> } | undefined)?._transport;
  if (typeof http?.send !== 'function' || typeof http.shutdown !== 'function') {
    diag.debug('@modelsight/node: unexpected OTLP exporter internals; its own retries stay, also while shutting down');
    return undefined;
  }
  const retries = new ShutdownAwareRetries(http as IExporterTransport);
  delegate!._transport = retries;
  return retries;
}
