/**
 * Names users query. Span attributes follow the OpenTelemetry style (`ml.*`); the Prometheus
 * exporter turns `a.b` into the label `a_b`. Changing any of these breaks dashboards and alerts.
 */

/** Span attribute and metric label: the model's name. */
export const ATTR_ML_MODEL_NAME = 'ml.model.name';
/** Span attribute and metric label: the model's version. */
export const ATTR_ML_MODEL_VERSION = 'ml.model.version';
/** Span attribute: confidence of the prediction, a number in [0, 1]. */
export const ATTR_ML_PREDICTION_CONFIDENCE = 'ml.prediction.confidence';
/** Span attribute: predicted label (a string). Also the per-class label of model-quality gauges. */
export const ATTR_ML_PREDICTION_LABEL = 'ml.prediction.label';
/** Span attribute: unique ID of the prediction, the key for late feedback. Never a metric label. */
export const ATTR_ML_PREDICTION_ID = 'ml.prediction.id';
/** Span attribute: number of items of a batch call. */
export const ATTR_ML_BATCH_SIZE = 'ml.batch.size';
/** Metric label: `ok` or `error`. */
export const ATTR_ML_PREDICTION_STATUS = 'ml.prediction.status';
/** Span attribute prefix of captured features: `ml.feature.<name>`. */
export const ATTR_ML_FEATURE_PREFIX = 'ml.feature.';
/**
 * Span attribute: shapes of the tensors a call was given, as one string: `name[1,4]` per named input,
 * `[1,4]` per unnamed one, separated by `, ` (`input_ids[2,8], attention_mask[2,8]`). Set by the runtime
 * instrumentations. Never a metric label.
 */
export const ATTR_ML_INPUT_SHAPES = 'ml.input.shapes';
/** Span attribute: type of the error a prediction threw (OpenTelemetry semantic conventions). */
export const ATTR_ERROR_TYPE = 'error.type';

/** Prometheus `ml_predictions_total`: predictions by model, version and status (a batch counts each item). */
export const METRIC_ML_PREDICTIONS = 'ml_predictions';
/** Prometheus `ml_prediction_duration_seconds`: wall time of a wrapped call, in seconds. */
export const METRIC_ML_PREDICTION_DURATION = 'ml_prediction_duration_seconds';
/** Prometheus `ml_prediction_confidence`: confidence of each prediction. */
export const METRIC_ML_PREDICTION_CONFIDENCE = 'ml_prediction_confidence';
/** Prometheus `ml_predictions_active`: wrapped calls in flight. */
export const METRIC_ML_PREDICTIONS_ACTIVE = 'ml_predictions_active';
/** Prometheus `ml_prediction_batch_size`: items per batch call. */
export const METRIC_ML_PREDICTION_BATCH_SIZE = 'ml_prediction_batch_size';
/** Prometheus `ml_instrumentation_errors_total`: failures of the instrumentation itself, by `reason`. */
export const METRIC_ML_INSTRUMENTATION_ERRORS = 'ml_instrumentation_errors';

/**
 * Default bucket bounds of `ml_prediction_duration_seconds`: 10 µs to 10 s in 1-2.5-5 steps, so that
 * an in-process model answering in tens of microseconds and a remote one taking seconds are both
 * resolved. Change them with the registry option `durationBuckets` or `MODELSIGHT_PREDICTION_DURATION_BUCKETS`.
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
  5, 10,
]);
/** Bucket bounds of `ml_prediction_confidence`: 0.1 to 1.0. */
export const CONFIDENCE_BUCKETS: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
/** Bucket bounds of `ml_prediction_batch_size`. */
export const BATCH_SIZE_BUCKETS: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096];
