import type { Attributes } from '@opentelemetry/api';
import type { ExponentialHistogram } from './exponential-histogram';
import { FixedHistogram } from './fixed-histogram';
import { ATTR_ML_MODEL_NAME, ATTR_ML_MODEL_VERSION, BATCH_SIZE_BUCKETS, CONFIDENCE_BUCKETS } from '../semconv';
import type { ModelIdentity } from '../types';

/** Causes of instrumentation failures; a bounded set, exported as the `reason` label. */
export type InstrumentationErrorReason =
  | 'confidence_extractor'
  | 'invalid_confidence'
  | 'label_extractor'
  | 'invalid_label'
  | 'features_extractor'
  | 'batch_shape'
  | 'observer'
  | 'internal';

/** The attribute the OpenTelemetry SDK gives the series that holds what exceeds a cardinality limit. */
export const ATTR_OTEL_METRIC_OVERFLOW = 'otel.metric.overflow';

/**
 * Running totals of one model version's predictions. Every wrapper of the same model shares one,
 * so that the exported series stay unique. Updated in place on the hot path; read at collection.
 * The model versions beyond the registry's cardinality limit share one, whose only attribute is
 * `otel.metric.overflow: true`.
 */
export class ModelStats {
  readonly attributes: Attributes;
  /** Milliseconds since the epoch when these totals started: the start time of cumulative series. */
  readonly startTimeMs = Date.now();
  ok = 0;
  error = 0;
  active = 0;
  readonly duration: FixedHistogram;
  /** Kept only while a producer exports exponential durations (metrics over OTLP). */
  durationExponential: ExponentialHistogram | undefined;
  readonly confidence = new FixedHistogram(CONFIDENCE_BUCKETS);
  readonly batchSize = new FixedHistogram(BATCH_SIZE_BUCKETS);
  readonly instrumentationErrors = new Map<InstrumentationErrorReason, number>();
  /** Bounded: statuses and instrumentation error reasons are fixed sets. */
  private readonly extended = new Map<string, Attributes>();

  /** @param model the model version, or `undefined` for the overflow totals */
  constructor(
    readonly model: ModelIdentity | undefined,
    durationBuckets: readonly number[],
  ) {
    this.attributes = model
      ? { [ATTR_ML_MODEL_NAME]: model.name, [ATTR_ML_MODEL_VERSION]: model.version }
      : { [ATTR_OTEL_METRIC_OVERFLOW]: true };
    this.duration = new FixedHistogram(durationBuckets);
  }

  /**
   * The attributes of this model's series with one more attribute, made once: readers that cache
   * per attribute object (the preload's `/metrics`) then see the same object at every collection.
   */
  attributesWith(key: string, value: string): Attributes {
    const cacheKey = `${key}\u0000${value}`;
    let attributes = this.extended.get(cacheKey);
    if (attributes === undefined) {
      attributes = Object.freeze({ ...this.attributes, [key]: value });
      this.extended.set(cacheKey, attributes);
    }
    return attributes;
  }

  /** Whether these are the totals of the model versions beyond the cardinality limit. */
  get overflow(): boolean {
    return this.model === undefined;
  }

  recordDuration(seconds: number): void {
    this.duration.record(seconds);
    this.durationExponential?.record(seconds);
  }

  countInstrumentationError(reason: InstrumentationErrorReason): void {
    this.instrumentationErrors.set(reason, (this.instrumentationErrors.get(reason) ?? 0) + 1);
  }
}
