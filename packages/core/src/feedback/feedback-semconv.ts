/**
 * Names of the model-quality metrics users query. The OpenTelemetry instrument names are chosen
 * so that the Prometheus exporter produces exactly the contract names: it appends `_total` to
 * counters and leaves gauges and histograms as they are (no unit is set, so no unit suffix).
 */

/** Metric label: what became of one feedback; see {@link FeedbackOutcome}. */
export const ATTR_ML_FEEDBACK_OUTCOME = 'ml.feedback.outcome';
/** Metric label of `ml_feedback_pending_dropped_total`: `evicted`, `expired` or (shared store) `unavailable`, `unknown`, `lost`. */
export const ATTR_REASON = 'reason';

/** Prometheus `ml_feedback_total`: feedback received, by model, version and `ml_feedback_outcome`. */
export const METRIC_ML_FEEDBACK = 'ml_feedback';
/** Prometheus `ml_prediction_error_absolute`: |predicted − actual| of each matched regression feedback. */
export const METRIC_ML_PREDICTION_ERROR_ABSOLUTE = 'ml_prediction_error_absolute';
/** Prometheus `ml_model_accuracy`: share of correct predictions in the window of recent matched feedback. */
export const METRIC_ML_MODEL_ACCURACY = 'ml_model_accuracy';
/** Prometheus `ml_model_precision`: per class (`ml_prediction_label`) and `macro`, over the window. */
export const METRIC_ML_MODEL_PRECISION = 'ml_model_precision';
/** Prometheus `ml_model_recall`: per class (`ml_prediction_label`) and `macro`, over the window. */
export const METRIC_ML_MODEL_RECALL = 'ml_model_recall';
/** Prometheus `ml_model_f1`: per class (`ml_prediction_label`) and `macro`, over the window. */
export const METRIC_ML_MODEL_F1 = 'ml_model_f1';
/** Prometheus `ml_model_mae`: mean absolute error over the window of recent matched regression feedback. */
export const METRIC_ML_MODEL_MAE = 'ml_model_mae';
/** Prometheus `ml_model_rmse`: root mean squared error over the window of recent matched regression feedback. */
export const METRIC_ML_MODEL_RMSE = 'ml_model_rmse';
/**
 * Prometheus `ml_model_estimated_accuracy`: mean top-class confidence of recent predictions, a
 * label-free estimate of accuracy that holds only for calibrated classifiers.
 */
export const METRIC_ML_MODEL_ESTIMATED_ACCURACY = 'ml_model_estimated_accuracy';
/** Prometheus `ml_feedback_pending`: predictions remembered and still waiting for feedback. */
export const METRIC_ML_FEEDBACK_PENDING = 'ml_feedback_pending';
/**
 * Prometheus `ml_feedback_pending_dropped_total`: predictions that left the store without ever
 * receiving feedback, by `reason`: `evicted` (the store was full) or `expired` (older than the time to live);
 * with a shared store, `unavailable` (never stored), `unknown` (sent, never confirmed) or `lost` (the store lost
 * what it held).
 */
export const METRIC_ML_FEEDBACK_PENDING_DROPPED = 'ml_feedback_pending_dropped';

/** Metric label of the outcome metrics: one of the tracker's declared outcome names. */
export const ATTR_ML_OUTCOME_NAME = 'ml.outcome.name';

/**
 * Prometheus `ml_outcome_total`: predictions that got a business outcome, by model, version and
 * `ml_outcome_name`, each (prediction, outcome name) counted once across every replica sharing a store.
 */
export const METRIC_ML_OUTCOME = 'ml_outcome';
/**
 * Prometheus `ml_outcome_value_sum` (with `ml_outcome_value_count` and one `+Inf` bucket): the sum of
 * the values of counted outcomes, by model, version and `ml_outcome_name`. A histogram without bucket
 * bounds, because its `_sum` series is a cumulative sum under the exact name (a counter would gain
 * `_total`); values are ≥ 0, so it only grows, and `rate()` applies.
 */
export const METRIC_ML_OUTCOME_VALUE = 'ml_outcome_value';
/**
 * Prometheus `ml_outcome_rejected_total`: outcomes reported but not counted, by model, version,
 * `ml_outcome_name` (absent when the name itself was not a declared one) and `reason`
 * (`unmatched`, `duplicate`, `expired`, `invalid`, `unavailable`).
 */
export const METRIC_ML_OUTCOME_REJECTED = 'ml_outcome_rejected';

/** The `ml_prediction_label` value of the macro-averaged precision, recall and F1. */
export const MACRO_LABEL = 'macro';

/**
 * Default bucket bounds of `ml_prediction_error_absolute`, in the unit of the model's output:
 * roughly 1-2.5-5 steps from 0.01 to 1000, wide enough for most regression targets. Set
 * `errorBuckets` for others.
 */
export const ERROR_ABSOLUTE_BUCKETS: readonly number[] = [
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000,
];
