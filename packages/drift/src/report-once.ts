import { ReportOnce as SharedReportOnce } from '@modelsight/internal';
import { DRIFT } from './config/env-config';

/** Reports each cause through `diag.warn` once, prefixed `@modelsight/drift:`, so a hot path that keeps failing warns once. */
export class ReportOnce extends SharedReportOnce {
  constructor() {
    super(DRIFT);
  }
}
