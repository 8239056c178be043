import { ReportOnce } from './errors/report-once';

/**
 * Writes out what a component holds in this process and has not delivered yet (predictions queued
 * for a shared feedback store, for instance). It should bound its own wait; it may reject, which is
 * reported, never thrown.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a flush may be any function, also one that returns nothing (void)
export type PendingWritesFlush = () => Promise<unknown> | void;

/** Options of {@link flushPendingWrites}. */
export interface FlushPendingWritesOptions {
  /**
   * Longest wait, in milliseconds. Once it has passed, the promise resolves `false`, and each flush
   * that has not finished is named in one `diag` warning; the flushes themselves go on. No
   * environment variable: the preload passes what is left of `MODELSIGHT_SHUTDOWN_TIMEOUT_MS`.
   * @default no limit: each registered flush bounds its own wait (the Redis feedback store's ends once its queue is written, or when Redis leaves a command unanswered for its `timeoutMs`)
   */
  readonly timeoutMs?: number;
}

interface Registration {
  readonly name: string;
  readonly flush: PendingWritesFlush;
}

interface PendingWritesRegistry {
  readonly registrations: Set<Registration>;
  /** Warns once per name, so that a flush failing at every shutdown attempt warns once. */
  readonly reporter: ReportOnce;
}

// On `globalThis` under a registered symbol: a store created by the app's ESM copy of a package and
// the preload's CommonJS copy of this one (two module instances) must meet in one registry.
const GLOBAL_KEY = Symbol.for('@modelsight/core.pending-writes.v1');

function registry(): PendingWritesRegistry {
  const holder = globalThis as { [GLOBAL_KEY]?: PendingWritesRegistry };
  holder[GLOBAL_KEY] ??= { registrations: new Set(), reporter: new ReportOnce() };
  return holder[GLOBAL_KEY];
}

/**
 * Registers `flush` to run whenever modelsight's telemetry is flushed: on SIGTERM and SIGINT under the
 * preload `@modelsight/node/register`, in `start().shutdown()` and `forceFlush()`, and in
 * {@link flushPendingWrites}. For components that buffer telemetry state in the process; the Redis
 * feedback store of `@modelsight/feedback-redis` registers its queue of predictions when it is created.
 *
 * @param name what holds the writes, for warnings (e.g. `'Redis feedback store at redis://redis:6379'`)
 * @returns a function that unregisters it (call it when the component closes); calling it again does nothing
 * @throws TypeError when `name` is not a string or `flush` not a function
 */
export function registerPendingWrites(name: string, flush: PendingWritesFlush): () => void {
  if (typeof name !== 'string')
    throw new TypeError(`modelsight registerPendingWrites: name must be a string; got ${typeof name}`);
  if (typeof flush !== 'function')
    throw new TypeError(`modelsight registerPendingWrites: flush must be a function; got ${typeof flush}`);
  const registration: Registration = { name, flush };
  const { registrations } = registry();
  registrations.add(registration);
  return () => {
    registrations.delete(registration);
  };
}

/**
 * Runs every flush registered with {@link registerPendingWrites} at once, and resolves `true` once all
 * have settled, or `false` when `timeoutMs` passed first. Never rejects: a flush that throws or
 * rejects is reported once through `diag`.
 *
 * The preload and `start()` of `@modelsight/node` call it when they shut down, within
 * `MODELSIGHT_SHUTDOWN_TIMEOUT_MS`. A service without them calls it on its own way out, once it has
 * stopped taking requests:
 * ```ts
 * process.once('SIGTERM', () => server.close(async () => {
 *   await flushPendingWrites({ timeoutMs: 5000 });
 *   process.exit(0);
 * }));
 * ```
 * @throws TypeError naming `timeoutMs` when it is not a number ≥ 0
 */
export function flushPendingWrites(options: FlushPendingWritesOptions = {}): Promise<boolean> {
  const timeoutMs = options.timeoutMs ?? Infinity;
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new TypeError(
      `modelsight flushPendingWrites: option timeoutMs must be a number >= 0; got ${String(timeoutMs)}`,
    );
  }
  const state = registry();
  // A copy: a flush may unregister itself (a store that closes) while the others run.
  const running = new Set<Registration>();
  const flushes = [...state.registrations].map(async (registration) => {
    running.add(registration);
    try {
      await registration.flush();
    } catch (error) {
      reportOnce(state, registration.name, `${registration.name} could not write what it holds: ${errorText(error)}`);
    } finally {
      running.delete(registration);
    }
  });
  if (flushes.length === 0) return Promise.resolve(true);
  const all = Promise.all(flushes).then(() => true);
  if (timeoutMs === Infinity) return all;
  let timer: NodeJS.Timeout | undefined;
  // Referenced on purpose: a process on its way out stays alive until the writes end or the time is up.
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      const names = [...running].map((registration) => registration.name);
      if (names.length > 0) {
        reportOnce(
          state,
          `timeout:${names.join()}`,
          `${names.join(', ')} did not finish writing within ${timeoutMs} ms; what it still holds may be lost`,
        );
      }
      resolve(false);
    }, timeoutMs);
  });
  return Promise.race([all, late]).finally(() => clearTimeout(timer));
}

function reportOnce(state: PendingWritesRegistry, cause: string, message: string): void {
  state.reporter.report(cause, message);
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
