import type { Meter } from '@opentelemetry/api';
import type { DriftProfile, FeatureType } from '../profile/profile-types';

/** A drift method, the value of the `ml_drift_method` label (plus `ks_p_value`, see {@link DriftScoreName}). */
export type DriftMethod = 'psi' | 'ks' | 'wasserstein' | 'jensen_shannon' | 'chi2';

/**
 * Name of one score. `ks` is the KS statistic D and `ks_p_value` its p-value (both from method
 * `ks`); `chi2` is the chi-square test's p-value; the others are distances (0 = identical).
 */
export type DriftScoreName = DriftMethod | 'ks_p_value';

/** The model whose inputs and outputs are watched; both become metric labels. */
export interface DriftModelIdentity {
  /** The `ml_model_name` label; a non-empty string. */
  readonly name: string;
  /** The `ml_model_version` label; a non-empty string. */
  readonly version: string;
}

/**
 * Thresholds that flag drift, per score. Distances (`psi`, `ks`, `wasserstein`,
 * `jensen_shannon`) flag at or above it; p-values (`ks_p_value`, `chi2`) flag below it. A score
 * flags only if its method is computed for the feature. `null` turns a default off.
 */
export type DriftThresholds = Partial<Record<DriftScoreName, number | null>>;

/**
 * Names under which the model's outputs are watched. A name given here must be a feature of the
 * profile (construction throws otherwise); a default name is watched only if the profile has it.
 */
export interface DriftOutputNames {
  /** Categorical feature fed with each prediction's label. `null`: not watched. @default 'prediction.label' */
  readonly label?: string | null;
  /** Numeric feature fed with each prediction's confidence. `null`: not watched. @default 'prediction.confidence' */
  readonly confidence?: string | null;
}

/** Options of `new DriftMonitor(...)`. */
export interface DriftMonitorOptions {
  /** Model name and version: the `ml_model_name` and `ml_model_version` labels. Required. */
  readonly model: DriftModelIdentity;
  /** The reference profile (from `buildProfile` or `loadProfile`; checked again here). Required. */
  readonly profile: DriftProfile;
  /** Meter for the instruments. @default `metrics.getMeter('@modelsight/drift')` at construction */
  readonly meter?: Meter;
  /**
   * Values kept per feature: the most recent ones (count-based window), or at most this many
   * within `windowSeconds`. Env: `MODELSIGHT_DRIFT_WINDOW_SIZE`.
   * @default 1000
   */
  readonly windowSize?: number;
  /**
   * Makes the window time-based: values older than this are dropped when scores are computed.
   * Env: `MODELSIGHT_DRIFT_WINDOW_SECONDS`.
   * @default undefined (count-based)
   */
  readonly windowSeconds?: number;
  /**
   * No score before a feature's window holds this many values; at most `windowSize`.
   * Env: `MODELSIGHT_DRIFT_MIN_SAMPLES`.
   * @default 100
   */
  readonly minSamples?: number;
  /** Methods for numeric features: `psi`, `ks`, `wasserstein`, `jensen_shannon`. @default ['psi', 'ks'] */
  readonly numericMethods?: readonly DriftMethod[];
  /** Methods for categorical features: `psi`, `jensen_shannon`, `chi2`. @default ['psi', 'chi2'] */
  readonly categoricalMethods?: readonly DriftMethod[];
  /**
   * Drift thresholds, merged over the defaults. Env: `MODELSIGHT_DRIFT_PSI_THRESHOLD` for `psi`.
   * @default { psi: 0.2 }
   */
  readonly thresholds?: DriftThresholds;
  /**
   * Profile features fed with the prediction's outputs by `onPrediction` and `observe(row, outputs)`.
   * @default { label: 'prediction.label', confidence: 'prediction.confidence' }
   */
  readonly outputs?: DriftOutputNames;
  /** Clock in milliseconds, for time-based windows. @default Date.now */
  readonly clock?: () => number;
}

/** What `observe` accepts as the model's outputs for one prediction. */
export interface PredictionOutputs {
  /** Fed to the `outputs.label` feature (categorical: a string, number or boolean). */
  readonly label?: unknown;
  /** Fed to the `outputs.confidence` feature (numeric). */
  readonly confidence?: unknown;
}

/**
 * The fields of a `PredictionRecord` of `@modelsight/core` that the monitor reads (structural, so
 * that this package does not depend on core).
 */
export interface PredictionRecordLike {
  /** `ok` or `error`; failed predictions are skipped. */
  readonly status?: string;
  /** The predicted label, fed to the `outputs.label` feature. */
  readonly label?: unknown;
  /** The prediction's confidence, fed to the `outputs.confidence` feature. */
  readonly confidence?: unknown;
  /** The inputs as named features (the `features` option of `traced()`). */
  readonly features?: unknown;
}

/** One bin of a feature in a report. */
export interface DriftBinReport {
  /** The `ml_drift_bin` label. */
  readonly bin: string;
  /** What the bin holds: `< 4.3`, `[4.3, 5.1)`, `>= 7.9`, a category, or `other`. */
  readonly description: string;
  /** Reference proportion. */
  readonly reference: number;
  /** Proportion in the current window (0 when the window is empty). */
  readonly current: number;
  /** Values counted in this bin since the monitor started (`ml_drift_bin_total`). */
  readonly total: number;
}

/** Current state of one feature, as plain data. */
export interface FeatureDriftReport {
  /** The feature's name in the profile (`ml_feature_name`). */
  readonly name: string;
  /** `numeric` or `categorical`, as profiled. */
  readonly type: FeatureType;
  /** `input` for model features, `output` for the watched prediction outputs. */
  readonly role: 'input' | 'output';
  /** Values in the window now. */
  readonly windowSamples: number;
  /** Whether the window holds `minSamples` values, so that scores exist. */
  readonly ready: boolean;
  /** Scores by name; empty until ready. */
  readonly scores: Partial<Record<DriftScoreName, number>>;
  /** Whether a score crosses its threshold. */
  readonly drifted: boolean;
  /** Scores that crossed their threshold. */
  readonly driftedBy: readonly DriftScoreName[];
  /** Missing values since start (`ml_data_missing_total`). */
  readonly missing: number;
  /** Invalid values since start, by reason (`ml_data_invalid_total`). */
  readonly invalid: { readonly type: number; readonly out_of_range: number; readonly unseen_category: number };
  /** Every bin of the feature, reference and current window side by side. */
  readonly bins: readonly DriftBinReport[];
}

/** Result of `DriftMonitor.report()`. */
export interface DriftReport {
  /** The monitor's model. */
  readonly model: DriftModelIdentity;
  /** When the report was computed, in milliseconds since the epoch. */
  readonly time: number;
  /** Whether any feature drifted. */
  readonly drifted: boolean;
  /** Every feature of the profile, in its order (inputs and watched outputs). */
  readonly features: readonly FeatureDriftReport[];
}
