export { createLogger } from './create-logger';
export { correlationMixin } from './correlation-mixin';
export { predictionLogger } from './prediction-logger';
export { DEFAULT_LOG_KEYS } from './trace-fields';
export type {
  CorrelationMixinOptions,
  CreateLoggerOptions,
  LoggerDestination,
  LogMixin,
  PredictionLoggerOptions,
  TraceLogKeys,
} from './types';
