import type { FeatureProfile } from '@modelsight/drift';
import type { ReferenceSummary } from './report-types';

/** What the profile says of one feature's reference data. */
export function referenceSummary(feature: FeatureProfile): ReferenceSummary {
  const base = { count: feature.count, missingRate: feature.missingRate };
  return feature.type === 'numeric'
    ? { ...base, mean: feature.mean, std: feature.std, min: feature.min, max: feature.max }
    : { ...base, categories: feature.categories.length };
}
