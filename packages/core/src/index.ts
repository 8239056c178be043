export { traced } from './traced/traced';
export type { ResultWithPrediction, TracedFunction } from './traced/traced';
export { createTracedCall } from './traced/traced-call';
export type { TracedCall } from './traced/traced-call';
export { getActivePrediction } from './traced/prediction-context';
export { predictionMetricProducer } from './metrics/prediction-metric-producer';
export type { PredictionMetricProducerOptions } from './metrics/prediction-metric-producer';
export type { PredictionMetricProducer, PredictionMetricsCollection } from './metrics/metric-producer-shape';
export { PredictionMetricsRegistry, getPredictionMetricsRegistry } from './metrics/prediction-metrics-registry';
export { DEFAULT_CARDINALITY_LIMIT } from './metrics/prediction-metrics-options';
export { flushPendingWrites, registerPendingWrites } from './pending-writes';
export type { FlushPendingWritesOptions, PendingWritesFlush } from './pending-writes';
export type { PredictionMetricsOptions, ResolvedPredictionMetricsOptions } from './metrics/prediction-metrics-options';
export { ATTR_OTEL_METRIC_OVERFLOW } from './metrics/model-stats';
export { ExponentialHistogram } from './metrics/exponential-histogram';
export { FixedHistogram } from './metrics/fixed-histogram';
export {
  ATTR_ERROR_TYPE,
  ATTR_ML_BATCH_SIZE,
  ATTR_ML_FEATURE_PREFIX,
  ATTR_ML_INPUT_SHAPES,
  ATTR_ML_MODEL_NAME,
  ATTR_ML_MODEL_VERSION,
  ATTR_ML_PREDICTION_CONFIDENCE,
  ATTR_ML_PREDICTION_ID,
  ATTR_ML_PREDICTION_LABEL,
  ATTR_ML_PREDICTION_STATUS,
  BATCH_SIZE_BUCKETS,
  CONFIDENCE_BUCKETS,
  DURATION_BUCKETS_SECONDS,
  METRIC_ML_INSTRUMENTATION_ERRORS,
  METRIC_ML_PREDICTION_BATCH_SIZE,
  METRIC_ML_PREDICTION_CONFIDENCE,
  METRIC_ML_PREDICTION_DURATION,
  METRIC_ML_PREDICTIONS,
  METRIC_ML_PREDICTIONS_ACTIVE,
} from './semconv';
export { VERSION } from './version';
export type {
  AnyFunction,
  BatchItem,
  BatchTracedOptions,
  LabelValue,
  ModelIdentity,
  ModelTask,
  PredictionInfo,
  PredictionObserver,
  PredictionRecord,
  PredictionStatus,
  ResultExtractor,
  SingleTracedOptions,
  TracedCallOptions,
  TracedOptions,
  TracedOptionsBase,
  TracedResult,
} from './types';
export { FeedbackTracker } from './feedback/feedback-tracker';
export type {
  FeedbackActual,
  FeedbackOutcome,
  FeedbackResult,
  FeedbackTrackerOptions,
  OutcomeRejectReason,
  OutcomeResult,
  OutcomeStatus,
} from './feedback/types';
export type {
  DropReason,
  FeedbackStore,
  OutcomeTakeResult,
  PendingPrediction,
  PredictionSource,
  StoredPrediction,
  TakeResult,
} from './feedback/feedback-store';
export {
  ATTR_ML_FEEDBACK_OUTCOME,
  ATTR_ML_OUTCOME_NAME,
  ERROR_ABSOLUTE_BUCKETS,
  MACRO_LABEL,
  METRIC_ML_FEEDBACK,
  METRIC_ML_FEEDBACK_PENDING,
  METRIC_ML_FEEDBACK_PENDING_DROPPED,
  METRIC_ML_MODEL_ACCURACY,
  METRIC_ML_MODEL_ESTIMATED_ACCURACY,
  METRIC_ML_MODEL_F1,
  METRIC_ML_MODEL_MAE,
  METRIC_ML_MODEL_PRECISION,
  METRIC_ML_MODEL_RECALL,
  METRIC_ML_MODEL_RMSE,
  METRIC_ML_OUTCOME,
  METRIC_ML_OUTCOME_REJECTED,
  METRIC_ML_OUTCOME_VALUE,
  METRIC_ML_PREDICTION_ERROR_ABSOLUTE,
} from './feedback/feedback-semconv';
export { MAX_CLASS_NAME_LENGTH } from './feedback/class-set';
export { modelVersions } from './versions/model-versions';
export type {
  CanaryGuardOptions,
  CanaryVersion,
  ModelVersion,
  ModelVersionsControl,
  ModelVersionsFunction,
  ModelVersionsOptions,
  ModelVersionsState,
  RollbackRecord,
  ShadowQueueOptions,
  ShadowVersion,
  VersionState,
} from './versions/model-versions-types';
export type { FeedbackCounts, FeedbackCountsSource, RollbackReason } from './versions/canary-guard';
export type { RateTestSnapshot } from './versions/sequential-rate-test';
export type { ShadowDropReason } from './versions/shadow-queue';
export type { ComparisonOutcome } from './versions/versions-metrics';
export type { RegistryMetricSource } from './metrics/prediction-metrics-registry';
export {
  DEFAULT_ACCURACY_MARGIN,
  DEFAULT_CANARY_CONFIDENCE,
  DEFAULT_ERROR_MARGIN,
  DEFAULT_LATENCY_MARGIN,
  DEFAULT_MIN_CALLS,
  DEFAULT_MIN_LABELS,
  DEFAULT_SHADOW_CONCURRENCY,
  DEFAULT_SHADOW_MAX_QUEUED,
  ENV_CANARY_CONFIDENCE,
  ENV_CANARY_GUARD,
  ENV_SHADOW_CONCURRENCY,
  ENV_SHADOW_MAX_QUEUED,
} from './versions/model-versions-config';
export {
  ATTR_ML_ROLLBACK_EVIDENCE,
  ATTR_ML_ROLLBACK_REASON,
  ATTR_OUTCOME,
  EVENT_ML_VERSION_ROLLBACK,
  METRIC_ML_ROLLBACKS,
  METRIC_ML_SHADOW_COMPARISONS,
  METRIC_ML_SHADOW_DIFFERENCE_ABSOLUTE,
  METRIC_ML_SHADOW_DROPPED,
  METRIC_ML_VERSION_SHARE,
  SHADOW_DIFFERENCE_BUCKETS,
} from './versions/versions-semconv';
export { ENV_OUTCOME_NAMES, MAX_OUTCOME_NAMES } from './feedback/feedback-config';
