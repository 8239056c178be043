import { binIndex } from '../bins';
import type { FeatureProfile, NumericFeatureProfile } from '../profile/profile-types';

/**
 * The first bin edge of a numeric feature that equals a value repeated in its reference sample, if
 * any. Profiles built before edges were placed between distinct values have such edges on rounded
 * data: live values measured more finely than the reference then fall on both sides of an edge that
 * held all of the value's reference mass on one side, and PSI rises without any drift.
 */
export function edgeOnRepeatedValue(profile: NumericFeatureProfile): number | undefined {
  const sample = profile.sample;
  for (const edge of profile.edges) {
    // The sample is ascending: the values <= edge come first, the last two of them equal to it or not.
    const atOrBelow = binIndex(sample, edge);
    if (atOrBelow >= 2 && sample[atOrBelow - 1] === edge && sample[atOrBelow - 2] === edge) return edge;
  }
  return undefined;
}

/** One sentence naming every numeric feature with an edge on a repeated value, or `undefined`. */
export function describeEdgesOnRepeatedValues(features: readonly FeatureProfile[]): string | undefined {
  const found = features.flatMap((feature) => {
    if (feature.type !== 'numeric') return [];
    const edge = edgeOnRepeatedValue(feature);
    return edge === undefined ? [] : [`${JSON.stringify(feature.name)} (edge ${edge})`];
  });
  if (found.length === 0) return undefined;
  return (
    `the profile has bin edges on values that repeat in the reference: ${found.join(', ')}. ` +
    'Live values recorded more finely than the reference (rounded training data) fall on both sides of such an edge ' +
    'and raise PSI without drift. buildProfile() places edges between distinct values: rebuild the profile, or ' +
    'ignore this if live values are recorded at the resolution of the reference'
  );
}
