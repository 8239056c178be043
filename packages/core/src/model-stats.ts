import type { Attributes } from '@opentelemetry/api';
import { FixedHistogram } from './fixed-histogram';
import {
  ATTR_ML_MODEL_NAME,
  ATTR_ML_MODEL_VERSION,
  BATCH_SIZE_BUCKETS,
  CONFIDENCE_BUCKETS,
  DURATION_BUCKETS_SECONDS,
} from './semconv';
import type { ModelIdentity } from './types';

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

/**
 * Running totals of one model version's predictions. Every wrapper of the same model shares one,
 * so that the exported series stay unique. Updated in place on the hot path; read at collection.
 */
export class ModelStats {
  readonly attributes: Attributes;
  /** Milliseconds since the epoch when these totals started: the start time of cumulative series. */
  readonly startTimeMs = Date.now();
  ok = 0;
  error = 0;
  active = 0;
  readonly duration = new FixedHistogram(DURATION_BUCKETS_SECONDS);
  readonly confidence = new FixedHistogram(CONFIDENCE_BUCKETS);
  readonly batchSize = new FixedHistogram(BATCH_SIZE_BUCKETS);
  readonly instrumentationErrors = new Map<InstrumentationErrorReason, number>();

  constructor(readonly model: ModelIdentity) {
    this.attributes = { [ATTR_ML_MODEL_NAME]: model.name, [ATTR_ML_MODEL_VERSION]: model.version };
  }

  countInstrumentationError(reason: InstrumentationErrorReason): void {
    this.instrumentationErrors.set(reason, (this.instrumentationErrors.get(reason) ?? 0) + 1);
  }
}
