import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { warnOnce } from './warn-once';

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
 * Remembers the destination of every pino logger the app creates, so that their buffered lines can be
 * written synchronously right before the process ends.
 *
 * pino's default destination writes asynchronously and registers its own synchronous flush on `exit`. A
 * process that ends by a signal never emits `exit`: the lines still in the buffer are lost. Whatever ends
 * the process after a flush (the preload re-raising SIGTERM) calls {@link flushSync} first.
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
          if (streamSym !== undefined) destinations.remember((logger as Record<symbol, unknown> | undefined)?.[streamSym]);
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

  /** Writes every remembered destination's buffered lines now, with synchronous writes. Never throws. */
  flushSync(): void {
    for (const ref of this.destinations) {
      const destination = ref.deref();
      if (destination === undefined) continue;
      try {
        destination.flushSync();
      } catch (error) {
        // A destination closed or not open yet has nothing this flush could write.
        const reason = error instanceof Error ? error.message : String(error);
        if (!/destroyed|not ready/i.test(reason)) warnOnce(`pino-flush:${reason}`, `could not flush a pino destination: ${reason}`);
      }
    }
  }

  private remember(stream: unknown): void {
    if (stream === null || typeof stream !== 'object' || typeof (stream as Partial<SyncFlushable>).flushSync !== 'function') return;
    if (this.seen.has(stream)) return;
    this.seen.add(stream);
    const ref = new WeakRef(stream as SyncFlushable);
    this.destinations.add(ref);
    this.forget.register(stream, ref);
  }
}
