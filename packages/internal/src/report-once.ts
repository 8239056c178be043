import { diag } from '@opentelemetry/api';

// Causes reported by any modelsight package in this process, on globalThis so that the CommonJS build
// loaded by the preload and the ESM build imported by the app (two module instances) share them.
const PROCESS_CAUSES = Symbol.for('modelsight.reported-causes');

function processCauses(): Set<string> {
  const holder = globalThis as { [PROCESS_CAUSES]?: Set<string> };
  holder[PROCESS_CAUSES] ??= new Set();
  return holder[PROCESS_CAUSES];
}

/**
 * Reports each cause through `diag.warn` the first time it happens and never again, so that a hot path
 * that keeps failing, or a collector that stays down, warns once instead of filling the service's logs.
 * Every message starts with the package's name: `@modelsight/core: the label extractor threw`.
 * Occurrences are counted elsewhere (metrics); this only decides what is written.
 */
export class ReportOnce {
  private readonly reported: Set<string>;

  /**
   * @param component the package's name, the prefix of every message (`@modelsight/drift`)
   * @param scope `instance`: causes are remembered by this reporter; `process`: by every reporter of the
   *   process with that scope, whichever package (for a variable that two packages read)
   */
  constructor(
    readonly component: string,
    scope: 'instance' | 'process' = 'instance',
  ) {
    this.reported = scope === 'process' ? processCauses() : new Set();
  }

  /**
   * Writes `message` (and `detail`, an error, as the logger's second argument) the first time `cause` is seen.
   * @returns whether it was written
   */
  report(cause: string, message: string, detail?: unknown): boolean {
    if (this.reported.has(cause)) return false;
    this.reported.add(cause);
    if (detail === undefined) diag.warn(`${this.component}: ${message}`);
    else diag.warn(`${this.component}: ${message}`, detail);
    return true;
  }

  /** Whether `cause` was reported. */
  has(cause: string): boolean {
    return this.reported.has(cause);
  }

  /** Writes what the package decided, at `info` level, in the same style. */
  note(message: string): void {
    diag.info(`${this.component}: ${message}`);
  }
}
