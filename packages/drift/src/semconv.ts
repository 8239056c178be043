/** Metric label: the model's name (Prometheus `ml_model_name`). */
export const ATTR_ML_MODEL_NAME = 'ml.model.name';
/** Metric label: the model's version (Prometheus `ml_model_version`). */
export const ATTR_ML_MODEL_VERSION = 'ml.model.version';
/** Metric label: the feature, as named in the profile (Prometheus `ml_feature_name`). */
export const ATTR_ML_FEATURE_NAME = 'ml.feature.name';
/** Metric label: the drift method of a score (Prometheus `ml_drift_method`). */
export const ATTR_ML_DRIFT_METHOD = 'ml.drift.method';
/** Metric label: the bin index, `0` … `bins − 1` (Prometheus `ml_drift_bin`). */
export const ATTR_ML_DRIFT_BIN = 'ml.drift.bin';
/** Metric label: why a value was invalid: `type`, `out_of_range`, `unseen_category`. */
export const ATTR_REASON = 'reason';

// Instrument names: the Prometheus exporter keeps these and appends `_total` to counters.
/** Prometheus `ml_drift_score` (gauge). */
export const METRIC_ML_DRIFT_SCORE = 'ml_drift_score';
/** Prometheus `ml_drift_detected` (gauge, 0 or 1). */
export const METRIC_ML_DRIFT_DETECTED = 'ml_drift_detected';
/** Prometheus `ml_drift_window_samples` (gauge). */
export const METRIC_ML_DRIFT_WINDOW_SAMPLES = 'ml_drift_window_samples';
/** Prometheus `ml_data_missing_total` (counter). */
export const METRIC_ML_DATA_MISSING = 'ml_data_missing';
/** Prometheus `ml_data_invalid_total` (counter). */
export const METRIC_ML_DATA_INVALID = 'ml_data_invalid';
/** Prometheus `ml_drift_bin_total` (counter): every observed value, by bin. */
export const METRIC_ML_DRIFT_BIN = 'ml_drift_bin';
/** Prometheus `ml_drift_reference_ratio` (gauge): the reference proportion of each bin. */
export const METRIC_ML_DRIFT_REFERENCE_RATIO = 'ml_drift_reference_ratio';

/** Every instrument of the monitor, by role: its name, kind and description (not exported by the package). */
export const DRIFT_INSTRUMENTS = {
  score: [METRIC_ML_DRIFT_SCORE, 'gauge', 'Drift score of a feature window against the reference profile, by method'],
  detected: [METRIC_ML_DRIFT_DETECTED, 'gauge', '1 when a drift score of the feature crosses its threshold, else 0'],
  windowSamples: [METRIC_ML_DRIFT_WINDOW_SAMPLES, 'gauge', 'Values in the feature window the scores are computed on'],
  missing: [METRIC_ML_DATA_MISSING, 'counter', 'Missing feature values (absent, null, undefined, NaN)'],
  invalid: [
    METRIC_ML_DATA_INVALID,
    'counter',
    'Invalid feature values, by reason (type, out_of_range, unseen_category)',
  ],
  bin: [METRIC_ML_DRIFT_BIN, 'counter', 'Observed feature values by reference bin, for fleet-wide PSI in PromQL'],
  referenceRatio: [METRIC_ML_DRIFT_REFERENCE_RATIO, 'gauge', 'Share of the reference values in each bin'],
} as const satisfies Record<string, readonly [name: string, kind: 'gauge' | 'counter', description: string]>;
