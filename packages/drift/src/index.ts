export { DriftMonitor } from './monitor/drift-monitor';
export { DEFAULT_DRIFT_OPTIONS } from './monitor/monitor-config';
export { DRIFT_METHODS, DRIFT_SCORE_NAMES } from './monitor/drift-methods';
export type {
  DriftBinReport,
  DriftMethod,
  DriftModelIdentity,
  DriftMonitorOptions,
  DriftOutputNames,
  DriftReport,
  DriftScoreName,
  DriftThresholds,
  FeatureDriftReport,
  PredictionOutputs,
  PredictionRecordLike,
} from './monitor/monitor-types';
export { buildProfile } from './profile/build-profile';
export { binEdges, halfway, nextUp } from './profile/bin-edges';
export { loadProfile, parseProfile, ProfileError, saveProfile, serializeProfile } from './profile/parse-profile';
export { PROFILE_FORMAT, PROFILE_FORMAT_VERSION } from './profile/profile-types';
export type {
  BuildProfileOptions,
  CategoricalFeatureProfile,
  DriftProfile,
  FeatureProfile,
  FeatureType,
  NumericFeatureProfile,
} from './profile/profile-types';
export { binCounts, binIndex } from './bins';
export { psi } from './stats/psi';
export { ksTest } from './stats/ks';
export { wasserstein, wassersteinDistance } from './stats/wasserstein';
export { jensenShannon } from './stats/jensen-shannon';
export { chiSquareTest } from './stats/chi-square';
export type { TestResult } from './stats/chi-square';
export {
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
} from './semconv';
