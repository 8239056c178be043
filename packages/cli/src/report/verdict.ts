import type { ReportDocument, ReportFeature } from './report-types';

/**
 * What a report concludes, in order of precedence: `drift` (a feature drifted, or its data quality
 * degraded), `insufficient_data` (no drift found, but a feature was not scored: too few values, or absent),
 * `no_drift` (every feature scored, none drifted, data quality held).
 */
export type ReportOutcome = 'drift' | 'insufficient_data' | 'no_drift';

/** The outcome of a report and its one-line summary. */
export interface ReportVerdict {
  readonly outcome: ReportOutcome;
  readonly drifted: readonly ReportFeature[];
  readonly degraded: readonly ReportFeature[];
  readonly unscored: readonly ReportFeature[];
  /** `2 of 8 features drifted (age, city)`, `too little data: none of 8 features scored (...)`. */
  readonly summary: string;
}

const names = (features: readonly ReportFeature[]) => features.map((f) => f.name).join(', ');

/** The verdict of a report, shared by the command's summary line, its exit code and the page. */
export function reportVerdict(doc: ReportDocument): ReportVerdict {
  const total = doc.features.length;
  const drifted = doc.features.filter((f) => f.drifted);
  const degraded = doc.features.filter((f) => f.dataQuality?.degraded === true);
  const unscored = doc.features.filter((f) => !f.ready);
  const parts: string[] = [];
  if (drifted.length > 0) parts.push(`${drifted.length} of ${total} features drifted (${names(drifted)})`);
  if (degraded.length > 0) {
    const limit = doc.settings.maxMissingIncrease;
    parts.push(
      `${degraded.length} of ${total} features with more missing or invalid values than the reference (${names(degraded)}; ` +
        `more than ${limit === undefined ? '' : `${+(limit * 100).toFixed(4)} points `}above it)`,
    );
  }
  if (parts.length > 0) {
    if (unscored.length > 0) parts.push(`${unscored.length} not scored`);
    return { outcome: 'drift', drifted, degraded, unscored, summary: parts.join('; ') };
  }
  if (unscored.length > 0) {
    const needed = doc.settings.minSamples === undefined ? '' : `; scores need ${doc.settings.minSamples} values`;
    const summary =
      unscored.length === total
        ? `too little data: none of ${total} features scored (${names(unscored)}${needed})`
        : `too little data: ${unscored.length} of ${total} features not scored (${names(unscored)}${needed}); no drift among the ${total - unscored.length} scored`;
    return { outcome: 'insufficient_data', drifted, degraded, unscored, summary };
  }
  return { outcome: 'no_drift', drifted, degraded, unscored, summary: `no drift among ${total} features` };
}
