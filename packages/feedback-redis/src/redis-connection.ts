import { diag } from '@opentelemetry/api';
import { createClient, ErrorReply, type RedisClientType } from 'redis';
import type { LuaScript } from './redis-scripts';
import { redactUrl, type ResolvedRedisStoreOptions } from './redis-store-options';

/** Wait before connecting again after a connection failed, was refused, or stopped answering. */
const RECONNECT_DELAY_MS = 1000;

type Health = 'connecting' | 'up' | 'down' | 'closed';

/** Reports a cause once (through `diag.warn`), however often it happens. */
export type ReportOnce = (cause: string, message: string) => void;

/** What the store does when Redis starts or stops answering. */
export interface ConnectionEvents {
  /** Redis answers (again); `wasDown` after an outage, not on the first connection. */
  up(wasDown: boolean): void;
  /** Redis stopped answering (a time-out, a closed or refused connection). */
  down(): void;
}

/**
 * The connection to one Redis and whether it answers: every command gets a time limit, and a
 * connection that fails or lets a command go unanswered is replaced.
 *
 * node-redis gives up waiting for a command once it is written, and would wait forever on a Redis
 * that accepts and never answers; so the connection reconnects itself: one that is not ready within
 * `timeoutMs`, fails, or lets a command go unanswered for `timeoutMs` is dropped (failing every
 * command still waiting on it), and another is opened a second later.
 */
export class RedisConnection {
  private client: RedisClientType;
  private health: Health = 'connecting';
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Why Redis was last unavailable, or last refused a command. */
  lastError: unknown = new Error('not connected yet');

  constructor(
    private readonly options: ResolvedRedisStoreOptions,
    private readonly events: ConnectionEvents,
    private readonly report: ReportOnce,
  ) {
    this.client = this.connect();
  }

  /** Whether Redis answers now (the last command or probe succeeded). */
  get available(): boolean {
    return this.health === 'up';
  }

  get closed(): boolean {
    return this.health === 'closed';
  }

  /** `EVALSHA`, and `EVAL` when Redis does not know the script yet (first use, or after a restart). */
  async evaluate(script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.command(['EVALSHA', script.sha, ...tail]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.command(['EVAL', script.source, ...tail]);
    }
  }

  /** One command, failing with a `TimeoutError` when Redis has not answered within `timeoutMs`. */
  command(args: string[]): Promise<unknown> {
    const { timeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new Error(`Redis did not answer within ${timeoutMs} ms`);
        error.name = 'TimeoutError';
        reject(error);
        this.reconnect(error);
      }, timeoutMs);
      this.client.sendCommand(args).then(
        (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /**
   * A command failed. An error reply means Redis is there but refused (`LOADING` after a restart,
   * `READONLY`, `NOPERM`…): reported once per kind, the next command tries again. Anything else
   * (time-out, closed connection) means Redis is away until a probe gets an answer.
   */
  failed(error: unknown): void {
    if (error instanceof ErrorReply) {
      this.lastError = error;
      this.report(
        `reply:${error.message.split(' ')[0]}`,
        `Redis at ${redactUrl(this.options.url)} refused a command of the feedback store: ${error.message}`,
      );
      return;
    }
    this.reconnect(error);
  }

  /** Closes the connection (waiting at most `timeoutMs` for Redis to acknowledge); no reconnection after. */
  async close(): Promise<void> {
    this.health = 'closed';
    clearTimeout(this.reconnectTimer);
    try {
      if (this.client.isOpen)
        await Promise.race([
          this.client.close(),
          new Promise((resolve) => setTimeout(resolve, this.options.timeoutMs).unref()),
        ]);
    } catch {
      // closing anyway
    }
    if (this.client.isOpen) this.client.destroy();
  }

  /** A new connection; see the class comment. */
  private connect(): RedisClientType {
    const { url, timeoutMs, clientOptions } = this.options;
    const client = createClient({
      ...clientOptions,
      url,
      // Commands fail at once while disconnected instead of piling up in an unbounded queue.
      disableOfflineQueue: true,
      socket: { connectTimeout: timeoutMs, ...clientOptions.socket, reconnectStrategy: false },
    } as Parameters<typeof createClient>[0]) as RedisClientType;
    const current = () => this.client === client && this.health !== 'closed';
    const handshake = setTimeout(() => {
      if (current() && !client.isReady) this.reconnect(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    handshake.unref();
    client.on('error', (error: unknown) => {
      if (current()) this.reconnect(error);
    });
    client.on('end', () => {
      if (current()) this.reconnect(this.lastError);
    });
    client.on('ready', () => {
      clearTimeout(handshake);
      if (current()) this.markUp();
    });
    client.unref();
    client.connect().catch((error: unknown) => {
      if (current()) this.reconnect(error);
    });
    return client;
  }

  /** Marks Redis as away, drops the current connection and opens another one a little later. */
  private reconnect(error: unknown): void {
    this.markDown(error);
    if (this.reconnectTimer !== undefined || this.health === 'closed') return;
    const broken = this.client;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.health !== 'closed') this.client = this.connect();
    }, RECONNECT_DELAY_MS);
    this.reconnectTimer.unref();
    // After the timer is set, so that the errors of its dying commands find a reconnection under way.
    try {
      broken.destroy();
    } catch {
      // already closed
    }
  }

  private markUp(): void {
    if (this.health === 'closed' || this.health === 'up') return;
    const wasDown = this.health === 'down';
    this.health = 'up';
    this.events.up(wasDown);
  }

  private markDown(error: unknown): void {
    this.lastError = error;
    if (this.health === 'closed' || this.health === 'down') return;
    const wasUp = this.health === 'up';
    this.health = 'down';
    const why =
      error instanceof Error
        ? `${error.name === 'Error' ? error.constructor.name : error.name}: ${error.message}`
        : String(error);
    diag.warn(
      `modelsight: Redis feedback store at ${redactUrl(this.options.url)} is ${wasUp ? 'unavailable' : 'not reachable yet'} (${why}): ` +
        `predictions wait in a queue of at most ${this.options.maxQueue} (the rest counted in ml_feedback_pending_dropped_total{reason="unavailable"}), ` +
        'feedback counts as ml_feedback_total{ml_feedback_outcome="unavailable"}; retrying',
    );
    this.events.down();
  }
}
