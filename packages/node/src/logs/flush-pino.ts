import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { isSonicBoom, isTransport, leafStreams, type SonicBoomLike } from './pino-streams';
import { asyncWritesDone, writeSynchronously, writingAsynchronously } from './sonic-boom-writes';
import { warnOnce } from '../diagnostics/warn-once';

/** What pino destinations that buffer offer: sonic-boom (pino's default), multistream, transports. */
interface SyncFlushable {
  flushSync(): void;
}

type PinoFactory = ((...args: unknown[]) => unknown) & {
  symbols?: { streamSym?: symbol };
  pino?: unknown;
  default?: unknown;
};

/**
 * Remembers the destination of every pino logger the app creates, so that their lines are written before
 * the process ends.
 *
 * pino's default destination (sonic-boom) writes asynchronously and registers its own synchronous flush on
 * `exit`. A process that ends by a signal never emits `exit`: the lines still in the buffer are lost. And a
 * synchronous flush cannot write the line whose write is already in libuv's thread pool: it is lost too
 * when the process ends before the pool gets to it, which a busy pool (DNS lookups, crypto, a slow disk)
 * makes likely. So shutdown runs in steps: {@link beginShutdown} makes every later write synchronous,
 * {@link writesDone} waits for the writes already in the pool, {@link flushSync} writes what is left, and
 * right before the process ends by the signal, {@link endTransportsSync} ends transports as pino does on
 * `exit`.
 *
 * Only the factory call is wrapped: nothing is added to the cost of a log line. Destinations are held
 * weakly; a logger that is gone has nothing to flush.
 */
export class PinoDestinations extends InstrumentationBase {
  private readonly destinations = new Set<WeakRef<SyncFlushable>>();
  private readonly seen = new WeakSet<object>();
  private readonly forget = new FinalizationRegistry<WeakRef<SyncFlushable>>((ref) => this.destinations.delete(ref));

  constructor() {
    super('@modelsight/node/pino-destinations', '0.1.0', {});
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition('pino', ['>=7 <11'], (module: unknown) => {
        // `import pino from 'pino'` hands over a namespace whose default export is the factory.
        const isNamespace = (module as Record<symbol, unknown>)[Symbol.toStringTag] === 'Module';
        const namespace = module as { default: PinoFactory; pino?: PinoFactory };
        const original = isNamespace ? namespace.default : (module as PinoFactory);
        const destinations = this;
        const patched = Object.assign(function pinoWithFlush(this: unknown, ...args: unknown[]) {
          const logger = original.apply(this, args);
          const streamSym = original.symbols?.streamSym;
          if (streamSym !== undefined)
            destinations.remember((logger as Record<symbol, unknown> | undefined)?.[streamSym]);
          return logger;
        }, original) as PinoFactory;
        if (typeof patched.pino === 'function') patched.pino = patched;
        if (typeof patched.default === 'function') patched.default = patched;
        if (isNamespace) {
          if (namespace.pino) namespace.pino = patched;
          namespace.default = patched;
        }
        return isNamespace ? module : patched;
      }),
    ];
  }

  /** Shutdown begins: every remembered sonic-boom destination, also within a multistream, writes synchronously from now on. */
  beginShutdown(): void {
    writeSynchronously(this.sonicBooms());
  }

  /** Resolves once the asynchronous writes in flight when shutdown began are done, or at `deadline`. Never rejects. */
  writesDone(deadline: number): Promise<void> {
    return asyncWritesDone(this.sonicBooms(), deadline);
  }

  /**
   * Writes every remembered destination's buffered lines now, with synchronous writes. A write still in the
   * thread pool cannot be written again without the risk of writing its lines twice: a warning says they may
   * be lost. Never throws.
   */
  flushSync(): void {
    if (this.sonicBooms().some(writingAsynchronously)) {
      warnOnce(
        'pino-write-in-flight',
        "a pino destination's write was still waiting for libuv's thread pool at the end of the shutdown (MODELSIGHT_SHUTDOWN_TIMEOUT_MS); " +
          'the lines of that write are lost if the process ends now',
      );
    }
    for (const destination of this.live()) {
      try {
        destination.flushSync();
      } catch (error) {
        // A destination closed or not open yet has nothing this flush could write.
        const reason = error instanceof Error ? error.message : String(error);
        if (!/destroyed|not ready/i.test(reason))
          warnOnce(`pino-flush:${reason}`, `could not flush a pino destination: ${reason}`);
      }
    }
  }

  /**
   * The process ends next, by a signal, which emits no `exit`: ends every remembered pino transport as pino
   * does on `exit`. The transport's worker writes its last lines through its own destination (often
   * asynchronous too) and closes it; this thread waits for that, at most 10 s (thread-stream's limit). Only
   * right before the process ends: a transport that has ended takes no more lines. Never throws.
   */
  endTransportsSync(): void {
    for (const transport of this.leaves().filter(isTransport)) {
      try {
        // As pino's own handler on `exit`: end() returns at once, ending later, while lines wait to be handed over.
        transport.flushSync();
        transport.end();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        warnOnce(`pino-transport-end:${reason}`, `could not end a pino transport: ${reason}`);
      }
    }
  }

  private *live(): Generator<SyncFlushable> {
    for (const ref of this.destinations) {
      const destination = ref.deref();
      if (destination !== undefined) yield destination;
    }
  }

  /** Every destination the remembered loggers write to, those inside multistreams included. */
  private leaves(): object[] {
    const found: object[] = [];
    for (const destination of this.live()) leafStreams(destination, found);
    return found;
  }

  private sonicBooms(): SonicBoomLike[] {
    return this.leaves().filter(isSonicBoom);
  }

  private remember(stream: unknown): void {
    if (
      stream === null ||
      typeof stream !== 'object' ||
      typeof (stream as Partial<SyncFlushable>).flushSync !== 'function'
    )
      return;
    if (this.seen.has(stream)) return;
    this.seen.add(stream);
    const ref = new WeakRef(stream as SyncFlushable);
    this.destinations.add(ref);
    this.forget.register(stream, ref);
  }
}
