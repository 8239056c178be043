export { runningTelemetry, start } from './start';
export { resolveConfig } from './config/config';
export type { MetricShapeOptions, OtlpHistogramAggregation, ResolvedMetricShape } from './config/metric-options';
export type {
  LogLevelName,
  MetricsExporterName,
  ModelsightNode,
  ModelsightNodeOptions,
  OpenTelemetryInstrumentation,
  OtlpProtocol,
  ResolvedConfig,
  SamplerName,
  TracesExporterName,
} from './types';
