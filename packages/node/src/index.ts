export { start } from './start';
export { resolveConfig } from './config';
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
