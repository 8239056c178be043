import type { FeatureType } from '../profile/profile-types';
import type { DriftMethod, DriftScoreName } from './monitor-types';

/**
 * Every drift method, by the type of feature it applies to, in the order reports show them. The one list:
 * the monitor checks its options against it and the command line reads it. A new statistic is added here.
 */
export const DRIFT_METHODS: Readonly<Record<FeatureType, readonly DriftMethod[]>> = Object.freeze({
  numeric: Object.freeze(['psi', 'ks', 'wasserstein', 'jensen_shannon'] as const),
  categorical: Object.freeze(['psi', 'jensen_shannon', 'chi2'] as const),
});

/** Every score a monitor reports (a method, and `ks_p_value` beside `ks`), in the order reports show them. */
export const DRIFT_SCORE_NAMES: readonly DriftScoreName[] = Object.freeze([
  'psi',
  'ks',
  'ks_p_value',
  'wasserstein',
  'jensen_shannon',
  'chi2',
] as const);
