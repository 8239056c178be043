import { ReportOnce as SharedReportOnce } from '@modelsight/internal';
import { CORE } from '../config/env-config';

/**
 * Reports each cause through `diag.warn` the first time it happens, prefixed `@modelsight/core:`, so that a
 * broken extractor on a hot path warns once instead of flooding the logs. Occurrences are counted elsewhere.
 */
export class ReportOnce extends SharedReportOnce {
  constructor() {
    super(CORE);
  }
}
