export { buildProfileFromFile } from './profile/build-profile-from-file';
export type { ProfileFileOptions } from './profile/build-profile-from-file';
export { buildReportFromFile, buildReportFromMetrics, buildReportFromPrometheus } from './report/build-report';
export type {
  FileReportOptions,
  MetricsReportOptions,
  PrometheusReportOptions,
  ReportOptions,
} from './report/build-report';
export type { DataFileOptions } from './input/data-file-options';
export { InputError } from './input/input-error';
export { renderReportHtml } from './html/render-report';
export { reportVerdict } from './report/verdict';
export type { ReportOutcome, ReportVerdict } from './report/verdict';
export { REPORT_FORMAT, REPORT_FORMAT_VERSION } from './report/report-types';
export type {
  FeatureDataQuality,
  ReferenceSummary,
  ReportBin,
  ReportDocument,
  ReportFeature,
  ReportQuality,
  ReportSource,
} from './report/report-types';
export { VERSION } from './cli/version';
