/**
 * Names of the model-versions metrics, as Prometheus shows them on `/metrics` (counters get `_total`).
 * Users build dashboards and alerts on them: add, never rename.
 */

/** Prometheus `ml_shadow_comparisons_total{ml_model_name, ml_model_version, outcome}`: shadow answers compared with the primary's; the version is the shadow's. */
export const METRIC_ML_SHADOW_COMPARISONS = 'ml_shadow_comparisons';
/** Prometheus `ml_shadow_difference_absolute`: histogram of |shadow − primary| for numeric outputs; the version is the shadow's. */
export const METRIC_ML_SHADOW_DIFFERENCE_ABSOLUTE = 'ml_shadow_difference_absolute';
/** Prometheus `ml_shadow_dropped_total{ml_model_name, ml_model_version, reason}`: shadow calls not run (`queue_full`, `closed`). */
export const METRIC_ML_SHADOW_DROPPED = 'ml_shadow_dropped';
/** Prometheus `ml_version_share{ml_model_name, ml_model_version}`: share of calls routed to a version (configured, after rollbacks). */
export const METRIC_ML_VERSION_SHARE = 'ml_version_share';
/** Prometheus `ml_rollbacks_total{ml_model_name, ml_model_version, reason}`: canaries rolled back (`error_rate`, `latency`, `accuracy`, `manual`). */
export const METRIC_ML_ROLLBACKS = 'ml_rollbacks';
/** Metric label of the comparison counter: `agree`, `disagree` or `error`. */
export const ATTR_OUTCOME = 'outcome';
/** Metric label of the drop and rollback counters. */
export const ATTR_REASON = 'reason';

/** Span event on the predict span whose outcome made the guard roll a canary back. */
export const EVENT_ML_VERSION_ROLLBACK = 'ml.version.rollback';
/** Attribute of that event: why (`error_rate`, `latency`, `accuracy`). */
export const ATTR_ML_ROLLBACK_REASON = 'ml.rollback.reason';
/** Attribute of that event: the evidence, as the warning gives it. */
export const ATTR_ML_ROLLBACK_EVIDENCE = 'ml.rollback.evidence';

/** Bucket bounds of `ml_shadow_difference_absolute`, in the unit of the model's output. */
export const SHADOW_DIFFERENCE_BUCKETS: readonly number[] = Object.freeze([
  0, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000,
]);
