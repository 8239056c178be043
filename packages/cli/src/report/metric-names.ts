import {
  ATTR_ML_MODEL_NAME,
  ATTR_ML_MODEL_VERSION,
  ATTR_ML_PREDICTION_LABEL,
  ATTR_ML_PREDICTION_STATUS,
  ATTR_ML_FEEDBACK_OUTCOME,
  METRIC_ML_FEEDBACK,
  METRIC_ML_MODEL_ACCURACY,
  METRIC_ML_MODEL_ESTIMATED_ACCURACY,
  METRIC_ML_MODEL_F1,
  METRIC_ML_MODEL_MAE,
  METRIC_ML_MODEL_PRECISION,
  METRIC_ML_MODEL_RECALL,
  METRIC_ML_MODEL_RMSE,
  METRIC_ML_PREDICTIONS,
} from '@modelsight/core';
import {
  ATTR_ML_DRIFT_BIN,
  ATTR_ML_DRIFT_METHOD,
  ATTR_ML_FEATURE_NAME,
  ATTR_REASON,
  METRIC_ML_DATA_INVALID,
  METRIC_ML_DATA_MISSING,
  METRIC_ML_DRIFT_BIN,
  METRIC_ML_DRIFT_DETECTED,
  METRIC_ML_DRIFT_REFERENCE_RATIO,
  METRIC_ML_DRIFT_SCORE,
  METRIC_ML_DRIFT_WINDOW_SAMPLES,
} from '@modelsight/drift';

// The Prometheus exporter turns an attribute `a.b` into the label `a_b` and appends `_total` to counters.
const label = (attribute: string): string => attribute.replace(/\./g, '_');
const counter = (name: string): string => `${name}_total`;

/** Label names on `/metrics`. */
export const LABELS = {
  model: label(ATTR_ML_MODEL_NAME),
  version: label(ATTR_ML_MODEL_VERSION),
  feature: label(ATTR_ML_FEATURE_NAME),
  bin: label(ATTR_ML_DRIFT_BIN),
  method: label(ATTR_ML_DRIFT_METHOD),
  reason: label(ATTR_REASON),
  status: label(ATTR_ML_PREDICTION_STATUS),
  predictionLabel: label(ATTR_ML_PREDICTION_LABEL),
  feedbackOutcome: label(ATTR_ML_FEEDBACK_OUTCOME),
  outcomeName: 'ml_outcome_name',
} as const;

/** Series names on `/metrics`, as the packages of modelsight export them. */
export const SERIES = {
  binTotal: counter(METRIC_ML_DRIFT_BIN),
  referenceRatio: METRIC_ML_DRIFT_REFERENCE_RATIO,
  score: METRIC_ML_DRIFT_SCORE,
  detected: METRIC_ML_DRIFT_DETECTED,
  windowSamples: METRIC_ML_DRIFT_WINDOW_SAMPLES,
  missing: counter(METRIC_ML_DATA_MISSING),
  invalid: counter(METRIC_ML_DATA_INVALID),
  predictions: counter(METRIC_ML_PREDICTIONS),
  feedback: counter(METRIC_ML_FEEDBACK),
  // Business outcomes joined to predictions: how many predictions got each declared outcome, and the sum of its values.
  outcomes: 'ml_outcome_total',
  outcomeValues: 'ml_outcome_value_sum',
  accuracy: METRIC_ML_MODEL_ACCURACY,
  estimatedAccuracy: METRIC_ML_MODEL_ESTIMATED_ACCURACY,
  precision: METRIC_ML_MODEL_PRECISION,
  recall: METRIC_ML_MODEL_RECALL,
  f1: METRIC_ML_MODEL_F1,
  mae: METRIC_ML_MODEL_MAE,
  rmse: METRIC_ML_MODEL_RMSE,
} as const;
