import type { DestinationStream, Logger, LoggerOptions } from 'pino';

/** A pino `mixin` function: `(mergeObject, level, logger) => fields`. */
export type LogMixin = NonNullable<LoggerOptions['mixin']>;

/** Names of the trace fields on a log line. The defaults are those of `@opentelemetry/instrumentation-pino`. */
export interface TraceLogKeys {
  /** Key of the active trace's ID (32 hex characters). @default 'trace_id' */
  readonly traceId: string;
  /** Key of the active span's ID (16 hex characters). @default 'span_id' */
  readonly spanId: string;
  /** Key of the active span's trace flags (`01` when sampled). @default 'trace_flags' */
  readonly traceFlags: string;
}

/** Options of {@link correlationMixin}. */
export interface CorrelationMixinOptions {
  /**
   * Names of the trace fields. Keep the defaults when the preload's pino instrumentation is active,
   * so that both write the same keys and a line never carries the trace ID twice.
   * @default { traceId: 'trace_id', spanId: 'span_id', traceFlags: 'trace_flags' }
   */
  readonly logKeys?: Partial<TraceLogKeys>;
  /**
   * Add `ml.model.name` and `ml.model.version` to lines written inside a traced prediction.
   * @default true
   */
  readonly modelFields?: boolean;
  /** Another mixin to run as well; its fields win over the trace fields. @default none */
  readonly mixin?: LogMixin;
}

/** Options of {@link createLogger}: every pino option, plus those of {@link correlationMixin}. */
export interface CreateLoggerOptions extends LoggerOptions, Omit<CorrelationMixinOptions, 'mixin'> {}

/** Where {@link createLogger} writes: any pino destination. @default stdout */
export type LoggerDestination = DestinationStream;

/** Options of {@link predictionLogger}. */
export interface PredictionLoggerOptions {
  /** The pino logger that writes the lines, usually one made by {@link createLogger}. Required. */
  readonly logger: Logger;
  /**
   * Share of successful predictions that get a line, in [0, 1]. Failed predictions are always logged.
   * Env: `MODELSIGHT_PREDICTION_LOG_SAMPLE_RATE`.
   * @default 1
   */
  readonly sampleRate?: number;
  /**
   * Write the prediction's features (from the `features` option of `traced()`) as `ml.features`.
   * Env: `MODELSIGHT_LOG_INPUTS=true`.
   * @default false
   */
  readonly logInputs?: boolean;
  /**
   * Feature names whose values are replaced by `censor` in logged inputs. Matched exactly.
   * Env: `MODELSIGHT_REDACT_FEATURES` (comma-separated, added to this list; the same variable redacts span attributes).
   * @default []
   */
  readonly redact?: readonly string[];
  /**
   * What replaces a redacted value.
   * @default '[Redacted]'
   */
  readonly censor?: string;
  /**
   * Level of the lines of successful predictions.
   * @default 'info'
   */
  readonly level?: string;
  /**
   * Level of the lines of failed predictions.
   * @default 'warn'
   */
  readonly errorLevel?: string;
  /**
   * Message of the lines.
   * @default 'prediction'
   */
  readonly message?: string;
  /**
   * Source of randomness for sampling, returning a number in [0, 1). Tests make it deterministic.
   * @default Math.random
   */
  readonly random?: () => number;
}
