import {
  chiSquareTest,
  DEFAULT_DRIFT_OPTIONS,
  jensenShannon,
  psi,
  type DriftProfile,
  type DriftScoreName,
  type FeatureProfile,
} from '@modelsight/drift';
import { InputError } from '../input/input-error';
import { binDescriptions } from './bin-descriptions';
import { binLabels } from './bin-labels';
import type { DriftSettings } from './drift-settings';
import { LABELS, SERIES } from './metric-names';
import { orderByDrift } from './order-features';
import type { PrometheusSample } from './prometheus-text';
import { referenceSummary } from './reference-summary';
import {
  REPORT_FORMAT,
  REPORT_FORMAT_VERSION,
  type ReportDocument,
  type ReportFeature,
  type ReportQuality,
} from './report-types';

/** What a report of a running service needs. */
export interface MetricsReportInput {
  readonly profile: DriftProfile;
  readonly profileName: string;
  /** Where the samples were scraped from, as shown in the report. */
  readonly url: string;
  readonly samples: readonly PrometheusSample[];
  /** Which model and version to report on, when `/metrics` has several. */
  readonly model?: string;
  readonly version?: string;
  readonly settings: DriftSettings;
  readonly title?: string;
  /** Remarks gathered before the report was made (settings from the environment that were ignored). */
  readonly warnings?: readonly string[];
}

/** Reference proportions that differ by more than this from the profile's mean another profile. */
const REFERENCE_TOLERANCE = 1e-9;

/** The model versions that export drift series, as `name version`. */
function modelsOf(samples: readonly PrometheusSample[]): { name: string; version: string }[] {
  const seen = new Map<string, { name: string; version: string }>();
  for (const s of samples) {
    if (s.name !== SERIES.referenceRatio) continue;
    const name = s.labels[LABELS.model] ?? '';
    const version = s.labels[LABELS.version] ?? '';
    seen.set(`${name}\u0000${version}`, { name, version });
  }
  return [...seen.values()];
}

function chooseModel(input: MetricsReportInput): { name: string; version: string } {
  const all = modelsOf(input.samples);
  if (all.length === 0) {
    throw new InputError(`${input.url} has no drift series (${SERIES.referenceRatio}): no DriftMonitor reports to it`);
  }
  const matching = all.filter(
    (m) =>
      (input.model === undefined || m.name === input.model) &&
      (input.version === undefined || m.version === input.version),
  );
  const list = all.map((m) => `${m.name} ${m.version}`).join(', ');
  if (matching.length === 0) throw new InputError(`${input.url} has no drift series of that model; it has: ${list}`);
  if (matching.length > 1) {
    throw new InputError(
      `${input.url} has drift series of several models (${list}): choose one with --model NAME --model-version VERSION`,
    );
  }
  return matching[0]!;
}

function featureFromMetrics(
  feature: FeatureProfile,
  series: readonly PrometheusSample[],
  descriptions: readonly string[],
  settings: DriftSettings,
  warnings: string[],
): ReportFeature {
  const bins = feature.proportions.length;
  const of = (name: string) => series.filter((s) => s.name === name);
  const byBin = (name: string): Map<number, number> =>
    new Map(of(name).map((s) => [Number(s.labels[LABELS.bin]), s.value]));
  const ratios = byBin(SERIES.referenceRatio);
  const totals = byBin(SERIES.binTotal);
  const present = ratios.size > 0;
  const profileTotal = feature.proportions.reduce((a, b) => a + b, 0);
  if (present) {
    const differs =
      ratios.size !== bins ||
      feature.proportions.some(
        (p, i) => Math.abs((ratios.get(i) ?? Number.NaN) - p / profileTotal) > REFERENCE_TOLERANCE || !ratios.has(i),
      );
    if (differs) {
      warnings.push(
        `the service's reference for ${JSON.stringify(feature.name)} differs from the profile's: it was built from another profile`,
      );
    }
  }
  const reference = Array.from({ length: bins }, (_, i) =>
    present ? (ratios.get(i) ?? 0) : (feature.proportions[i] as number),
  );
  const counts = Array.from({ length: bins }, (_, i) => totals.get(i) ?? 0);
  const total = counts.reduce((a, b) => a + b, 0);

  const scores: Partial<Record<DriftScoreName, number>> = {};
  for (const s of of(SERIES.score)) scores[s.labels[LABELS.method] as DriftScoreName] = s.value;
  const detected = of(SERIES.detected)[0];
  const sinceStart: Partial<Record<DriftScoreName, number>> = {};
  if (present && total >= settings.minSamples && reference.some((r) => r > 0)) {
    sinceStart.psi = psi(reference, counts);
    sinceStart.jensen_shannon = jensenShannon(reference, counts);
    if (feature.type === 'categorical' && bins >= 2) sinceStart.chi2 = chiSquareTest(reference, counts).pValue;
  }
  const invalid = { type: 0, out_of_range: 0, unseen_category: 0 };
  for (const s of of(SERIES.invalid)) {
    const reason = s.labels[LABELS.reason] as keyof typeof invalid;
    if (Object.hasOwn(invalid, reason)) invalid[reason] = s.value;
  }
  const labels = binLabels(feature);
  return {
    name: feature.name,
    type: feature.type,
    // The service may name its outputs otherwise; these are the names DriftMonitor feeds by default.
    role:
      feature.name === DEFAULT_DRIFT_OPTIONS.outputs.label || feature.name === DEFAULT_DRIFT_OPTIONS.outputs.confidence
        ? 'output'
        : 'input',
    present,
    samples: of(SERIES.windowSamples)[0]?.value ?? 0,
    ready: detected !== undefined,
    scores,
    drifted: detected?.value === 1,
    driftedBy: [],
    missing: of(SERIES.missing)[0]?.value ?? 0,
    invalid,
    bins: reference.map((r, i) => ({
      label: labels[i] ?? String(i),
      description: descriptions[i] ?? String(i),
      reference: r,
      current: total === 0 ? 0 : (counts[i] as number) / total,
      count: counts[i] as number,
    })),
    reference: referenceSummary(feature),
    sinceStart,
  };
}

function qualityOf(series: readonly PrometheusSample[]): ReportQuality | undefined {
  const one = (name: string) => series.find((s) => s.name === name)?.value;
  const predictions = series.filter((s) => s.name === SERIES.predictions);
  const classes = new Map<string, { label: string; precision?: number; recall?: number; f1?: number }>();
  for (const [key, name] of [
    ['precision', SERIES.precision],
    ['recall', SERIES.recall],
    ['f1', SERIES.f1],
  ] as const) {
    for (const s of series.filter((x) => x.name === name)) {
      const label = s.labels[LABELS.predictionLabel] ?? '';
      const entry = classes.get(label) ?? { label };
      entry[key] = s.value;
      classes.set(label, entry);
    }
  }
  const quality: ReportQuality = {
    ...(predictions.length > 0
      ? {
          predictions: {
            ok: predictions.filter((s) => s.labels[LABELS.status] === 'ok').reduce((a, s) => a + s.value, 0),
            error: predictions.filter((s) => s.labels[LABELS.status] === 'error').reduce((a, s) => a + s.value, 0),
          },
        }
      : {}),
    ...(one(SERIES.accuracy) === undefined ? {} : { accuracy: one(SERIES.accuracy) }),
    ...(one(SERIES.estimatedAccuracy) === undefined ? {} : { estimatedAccuracy: one(SERIES.estimatedAccuracy) }),
    ...(one(SERIES.mae) === undefined ? {} : { mae: one(SERIES.mae) }),
    ...(one(SERIES.rmse) === undefined ? {} : { rmse: one(SERIES.rmse) }),
    ...(classes.size > 0 ? { classes: [...classes.values()] } : {}),
  };
  return Object.keys(quality).length > 0 ? quality : undefined;
}

/**
 * The report of a running service from one scrape of its `/metrics`: per feature of the profile,
 * the service's own window scores and drift decision (`ml_drift_score`, `ml_drift_detected`), the
 * bin shares of every value it counted since it started (`ml_drift_bin_total` against
 * `ml_drift_reference_ratio`) with their PSI, Jensen–Shannon and χ² computed by `@modelsight/drift`,
 * missing and invalid counts, and the model quality gauges when the service has them.
 */
export function reportFromMetrics(input: MetricsReportInput): ReportDocument {
  const model = chooseModel(input);
  const ofModel = input.samples.filter(
    (s) => s.labels[LABELS.model] === model.name && s.labels[LABELS.version] === model.version,
  );
  const warnings = [...(input.warnings ?? [])];
  const descriptions = binDescriptions(input.profile);
  const features = input.profile.features.map((feature) => {
    const series = ofModel.filter((s) => s.labels[LABELS.feature] === feature.name);
    const result = featureFromMetrics(feature, series, descriptions.get(feature.name) ?? [], input.settings, warnings);
    if (!result.present)
      warnings.push(`the service does not watch the feature ${JSON.stringify(feature.name)} of the profile`);
    return result;
  });
  const known = new Set(input.profile.features.map((f) => f.name));
  const extra = [
    ...new Set(ofModel.filter((s) => s.name === SERIES.referenceRatio).map((s) => s.labels[LABELS.feature] ?? '')),
  ].filter((name) => !known.has(name));
  if (extra.length > 0)
    warnings.push(
      `the service watches features that the profile lacks: ${extra.map((n) => JSON.stringify(n)).join(', ')}`,
    );
  const quality = qualityOf(ofModel);
  return {
    format: REPORT_FORMAT,
    formatVersion: REPORT_FORMAT_VERSION,
    title: input.title ?? `Drift of ${model.name} ${model.version}`,
    generatedAt: new Date().toISOString(),
    source: { kind: 'metrics', profile: input.profileName, url: input.url, model: model.name, version: model.version },
    settings: { minSamples: input.settings.minSamples, thresholds: {} },
    drifted: features.some((f) => f.drifted),
    features: orderByDrift(features),
    ...(quality === undefined ? {} : { quality }),
    warnings,
  };
}
