import type { DriftProfile } from '@modelsight/drift';
import { cliEnv } from '../config/env-config';
import { InputError } from '../input/input-error';
import type { FeatureDataQuality, ReportDocument, ReportFeature } from './report-types';

const isShare = (value: number) => Number.isFinite(value) && value >= 0 && value <= 1;

/**
 * The limit on the rise of a missing or invalid share: the option, then `MODELSIGHT_MAX_MISSING_INCREASE`,
 * then 0.02. A bad option throws; a bad variable is passed to `warn` and ignored.
 */
export function resolveMaxMissingIncrease(
  option: number | undefined,
  warn: (message: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (option !== undefined) {
    if (!isShare(option))
      throw new InputError(
        `the largest missing-share increase must be a share from 0 to 1 (0.02 is 2 points), got ${option}`,
      );
    return option;
  }
  return cliEnv(warn, env).MODELSIGHT_MAX_MISSING_INCREASE;
}

/**
 * Judges the data quality of each feature against the reference: its share of missing values, and of values
 * of the wrong type (invalid), among the values it was given. A share above the reference's by more than
 * `maxIncrease` marks the feature, once it got the minimum number of values that drift scores need. Numbers outside the reference range and unseen categories are new values,
 * not bad ones: the drift scores weigh them (the open bins, `other`), so they are left out here.
 */
export function withDataQuality(doc: ReportDocument, profile: DriftProfile, maxIncrease: number): ReportDocument {
  const references = new Map(profile.features.map((f) => [f.name, f]));
  const features = doc.features.map((f): ReportFeature => {
    const reference = references.get(f.name);
    // Every value given lands in a bin, or is missing, or of the wrong type.
    const observed = f.bins.reduce((sum, bin) => sum + bin.count, 0) + f.missing + f.invalid.type;
    if (!f.present || reference === undefined || observed === 0) return f;
    const referenceMissingShare = reference.missingRate;
    const referenceInvalidShare = profile.rows === 0 ? 0 : reference.invalid / profile.rows;
    const missingShare = f.missing / observed;
    const invalidShare = f.invalid.type / observed;
    const degradedBy: FeatureDataQuality['degradedBy'][number][] = [];
    // Judged, as drift is, from the minimum number of values on: 3 missing of 49 is no evidence.
    const judged = observed >= (doc.settings.minSamples ?? 0);
    // A small tolerance, so that a share exactly at the limit (0.07 against 0.05 + 0.02) is not marked.
    if (judged && missingShare - referenceMissingShare > maxIncrease + 1e-12) degradedBy.push('missing');
    if (judged && invalidShare - referenceInvalidShare > maxIncrease + 1e-12) degradedBy.push('invalid');
    const dataQuality: FeatureDataQuality = {
      missingShare,
      invalidShare,
      referenceMissingShare,
      referenceInvalidShare,
      degraded: degradedBy.length > 0,
      degradedBy,
    };
    return { ...f, dataQuality };
  });
  return {
    ...doc,
    settings: { ...doc.settings, maxMissingIncrease: maxIncrease },
    dataQualityDegraded: features.some((f) => f.dataQuality?.degraded === true),
    features,
  };
}
