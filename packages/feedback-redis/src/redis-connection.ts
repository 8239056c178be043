import { FEEDBACK_REDIS } from './config/env-config';
import { diag } from '@opentelemetry/api';
import { createClient, createCluster, ErrorReply, type RedisClientType, type RedisClusterType } from 'redis';
import type { LuaScript } from './redis-scripts';
import { storeAddress, type ResolvedRedisStoreOptions } from './redis-store-options';

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

/** What the write batches and the feedback take need of a connection. */
export interface StoreConnection {
  /** Whether Redis answers now. */
  readonly available: boolean;
  /** Whether the store closed it. */
  readonly closed: boolean;
  /** Why Redis was last unavailable, or last refused a command. */
  readonly lastError: unknown;
  /** Runs a script on the node that holds its keys, within `timeoutMs`. */
  evaluate(script: LuaScript, keys: string[], args: string[]): Promise<unknown>;
  /**
   * `WAIT 1 <timeoutMs / 50>` on the primary of `key`'s slot: resolves with the number of replicas that
   * hold every write sent before it on that connection (0 when none confirmed in time).
   */
  replicas(key: string): Promise<number>;
  /** How long `replicas` lets a replica take to confirm (ms). */
  readonly waitMs: number;
  /** A command failed: an error reply is reported once, anything else makes Redis count as away. */
  failed(error: unknown): void;
  close(): Promise<void>;
}

/** The client of either kind, as the connection uses it. */
type Client = RedisClientType | RedisClusterType;

/**
 * The connection to one Redis, or to a Redis Cluster (`clusterNodes`), and whether it answers: every command gets a time limit, and a
 * connection that fails or lets a command go unanswered is replaced.
 *
 * node-redis gives up waiting for a command once it is written, and would wait forever on a Redis
 * that accepts and never answers; so the connection reconnects itself: one that is not ready within
 * `timeoutMs`, fails, or lets a command go unanswered for `timeoutMs` is dropped (failing every
 * command still waiting on it), and another is opened a second later.
 */
export class RedisConnection implements StoreConnection {
  private client: Client;
  private health: Health = 'connecting';
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Why Redis was last unavailable, or last refused a command. */
  lastError: unknown = new Error('not connected yet');
  /** How long `WAIT` lets a replica take (ms): a fiftieth of the time limit (20 ms by default). */
  readonly waitMs: number;

  constructor(
    private readonly options: ResolvedRedisStoreOptions,
    private readonly events: ConnectionEvents,
    private readonly report: ReportOnce,
  ) {
    // WAIT holds the connection it is sent on: with one primary serving many groups (at most 16), their
    // waits run one after another, and must all fit within the time limit of the commands behind them.
    this.waitMs = Math.max(1, Math.floor(options.timeoutMs / 50));
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
      return await this.command(['EVALSHA', script.sha, ...tail], keys[0]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.command(['EVAL', script.source, ...tail], keys[0]);
    }
  }

  async replicas(key: string): Promise<number> {
    return Number(await this.command(['WAIT', '1', String(this.waitMs)], key));
  }

  /**
   * One command, failing with a `TimeoutError` when Redis has not answered within `timeoutMs`. On a
   * cluster, it goes to the primary of `key`'s slot.
   */
  command(args: string[], key?: string): Promise<unknown> {
    const { timeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      let settled = false;
      // Timers run before the event loop reads sockets: after a stall of the process (a long GC, a busy
      // core), an answer that came in time may be waiting unread. It is read before giving up.
      const giveUp = () => {
        if (settled) return;
        settled = true;
        const error = new Error(`Redis did not answer within ${timeoutMs} ms`);
        error.name = 'TimeoutError';
        reject(error);
        this.reconnect(error);
      };
      const timer = setTimeout(() => setImmediate(giveUp), timeoutMs);
      const client = this.client;
      const sent =
        this.options.clusterNodes.length > 0
          ? (client as RedisClusterType).sendCommand(key, false, args)
          : (client as RedisClientType).sendCommand(args);
      sent.then(
        (reply) => {
          clearTimeout(timer);
          if (settled) return;
          settled = true;
          resolve(reply);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (settled) return;
          settled = true;
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
        `Redis at ${storeAddress(this.options)} refused a command of the feedback store: ${error.message}`,
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
  private connect(): Client {
    const { url, timeoutMs, clientOptions, clusterNodes } = this.options;
    const settings = {
      ...clientOptions,
      // Commands fail at once while disconnected instead of piling up in an unbounded queue.
      disableOfflineQueue: true,
      socket: { connectTimeout: timeoutMs, ...clientOptions.socket, reconnectStrategy: false },
    };
    let client: Client;
    if (clusterNodes.length > 0) {
      // node-redis follows MOVED and ASK itself; after a failover, the next connection finds the
      // promoted replica in the topology it reads.
      const cluster = createCluster({
        rootNodes: clusterNodes.map((node) => ({ url: node })),
        defaults: settings as never,
        // Ready once the topology is read: a primary that died is not waited for, only the commands
        // for its slots fail until its replica takes over.
        minimizeConnections: true,
      });
      // Every node's connection leaves the process free to exit, as a single connection does.
      const unref = () => {
        for (const node of [...cluster.masters, ...cluster.replicas]) node.client?.unref();
      };
      cluster.on('node-connect', () => setImmediate(unref));
      cluster.on('node-error', () => {});
      client = cluster as unknown as Client;
    } else {
      const single = createClient({ ...settings, url } as Parameters<typeof createClient>[0]) as RedisClientType;
      single.on('end', () => {
        if (current()) this.reconnect(this.lastError);
      });
      single.on('ready', () => {
        clearTimeout(handshake);
        if (current()) this.markUp();
      });
      single.unref();
      client = single;
    }
    const current = () => this.client === client && this.health !== 'closed';
    const handshake = setTimeout(() => {
      if (current() && !client.isReady) this.reconnect(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    handshake.unref();
    client.on('error', (error: unknown) => {
      // A cluster reports every node that failed to give the topology, even when the next one gives
      // it: a dead primary among the nodes would tear down each new connection while it reads the
      // topology. Only a failed connect() means that no node answered.
      if (clusterNodes.length === 0 && current()) this.reconnect(error);
    });
    client.connect().then(
      () => {
        // A cluster is ready once its topology is read and its primaries are connected.
        if (clusterNodes.length === 0) return;
        clearTimeout(handshake);
        if (current()) this.markUp();
      },
      (error: unknown) => {
        if (current()) this.reconnect(error);
      },
    );
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
      `${FEEDBACK_REDIS}: Redis feedback store at ${storeAddress(this.options)} is ${wasUp ? 'unavailable' : 'not reachable yet'} (${why}): ` +
        `predictions wait in a queue of at most ${this.options.maxQueue} (the rest counted in ml_feedback_pending_dropped_total{reason="unavailable"}), ` +
        'feedback counts as ml_feedback_total{ml_feedback_outcome="unavailable"}; retrying',
    );
    this.events.down();
  }
}
