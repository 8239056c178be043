import { note } from '../diagnostics/warn-once';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type HandledSignal = (typeof SIGNALS)[number];

interface Flushable {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
  /** Writes, without the event loop, what ended after `shutdown()` resolved (spans, log lines). */
  finishSync(): void;
  /** Runs right before the re-raised signal ends the process: ends what pino ends on `exit` (its transports). */
  endSync(): void;
}

/**
 * Flushes telemetry on SIGTERM and SIGINT without changing how the app exits:
 *
 * - when the app listens to the signal itself, it decides when to exit: spans are flushed now, and
 *   the SDK is shut down when the event loop empties (`beforeExit`);
 * - when it does not, Node would have ended the process by the signal: the SDK is shut down (bounded
 *   by `shutdownTimeoutMs`), then the signal is raised again with no listener left, so the process ends
 *   exactly as it would have (killed by that signal; exit code 128 + signal number in a shell). A process
 *   ended by a signal emits no `exit` event, so nothing else writes what is still buffered: `finishSync`
 *   does, and `endSync` ends what pino would end on `exit`, in the same synchronous run as the signal, so
 *   that nothing the app answers meanwhile is missed.
 *
 * A second identical signal while flushing ends the process at once, as an impatient Ctrl-C expects.
 * Also shuts down on `beforeExit`, so short scripts export their spans. Returns a function that removes
 * the listeners.
 */
export function flushOnSignals(telemetry: Flushable): () => void {
  let flushing = false;
  let shutDown = false;

  const shutdownOnce = (): Promise<void> => {
    if (shutDown) return Promise.resolve();
    shutDown = true;
    return telemetry.shutdown();
  };

  const onBeforeExit = () => {
    void shutdownOnce();
  };

  const onSignal = (signal: HandledSignal) => {
    const appListens = process.listenerCount(signal) > 1;
    if (appListens) {
      note(`${signal}: flushing spans; the app handles the signal itself`);
      void telemetry.forceFlush();
      return;
    }
    if (flushing) {
      reraise(signal);
      return;
    }
    flushing = true;
    note(`${signal}: flushing spans and metrics, then exiting by ${signal}`);
    void shutdownOnce().then(() => {
      telemetry.finishSync();
      reraise(signal, telemetry.endSync);
    });
  };

  const listeners = new Map<HandledSignal, () => void>();
  for (const signal of SIGNALS) {
    const listener = () => onSignal(signal);
    listeners.set(signal, listener);
    process.on(signal, listener);
  }
  process.on('beforeExit', onBeforeExit);

  const remove = () => {
    for (const [signal, listener] of listeners) process.removeListener(signal, listener);
    process.removeListener('beforeExit', onBeforeExit);
  };

  function reraise(signal: HandledSignal, beforeEnd?: () => void): void {
    remove();
    if (process.listenerCount(signal) > 0) return; // the app started listening meanwhile: its call
    beforeEnd?.();
    process.kill(process.pid, signal);
  }

  return remove;
}
