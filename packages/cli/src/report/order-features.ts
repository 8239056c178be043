import type { ReportFeature } from './report-types';

const psiOf = (f: ReportFeature): number => f.scores.psi ?? f.sinceStart?.psi ?? -Infinity;

/** Drifted features first, then those with scores by PSI (highest first), then those without; ties by name. */
export function orderByDrift(features: readonly ReportFeature[]): ReportFeature[] {
  return [...features].sort(
    (a, b) =>
      Number(b.drifted) - Number(a.drifted) ||
      Number(b.ready) - Number(a.ready) ||
      psiOf(b) - psiOf(a) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}
