import { diag } from '@opentelemetry/api';

/**
 * Reports each cause through `diag.warn` the first time it happens, so that a broken extractor
 * on a hot path warns once instead of flooding the logs. Occurrences are still counted elsewhere.
 */
export class ReportOnce {
  private readonly reported = new Set<string>();

  report(cause: string, message: string, detail?: unknown): void {
    if (this.reported.has(cause)) return;
    this.reported.add(cause);
    if (detail === undefined) diag.warn(`modelsight: ${message}`);
    else diag.warn(`modelsight: ${message}`, detail);
  }
}
