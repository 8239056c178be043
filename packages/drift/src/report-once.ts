import { diag } from '@opentelemetry/api';

/** Reports each cause through `diag.warn` once, so a hot path that keeps failing warns once. */
export class ReportOnce {
  private readonly reported = new Set<string>();

  report(cause: string, message: string, detail?: unknown): void {
    if (this.reported.has(cause)) return;
    this.reported.add(cause);
    diag.warn(`@modelsight/drift: ${message}`, ...(detail === undefined ? [] : [detail]));
  }
}
