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
import { type FleetSelection, fleetQueries, versionsQuery } from './fleet-queries';
import { LABELS } from './metric-names';
import { orderByDrift } from './order-features';
import { type InstantSample, queryInstant } from './prometheus-api';
import { referenceSummary } from './reference-summary';
import {
  REPORT_FORMAT,
  REPORT_FORMAT_VERSION,
  type ReportDocument,
  type ReportFeature,
  type ReportQuality,
} from './report-types';

/** What a fleet report needs. */
export interface PrometheusReportInput {
  readonly profile: DriftProfile;
  readonly profileName: string;
  /** Base URL of the Prometheus server, e.g. `http://prometheus:9090`. */
  readonly url: string;
  readonly model: string;
  /** The version to report on; may be left out when Prometheus has drift series of one version only. */
  readonly version?: string;
  /** A PromQL duration (`1h`, `30m`, `7d`): what the fleet counted over that range. */
  readonly range?: string;
  readonly settings: DriftSettings;
  readonly title?: string;
  readonly warnings?: readonly string[];
  /** The moment every query reads, in milliseconds since the epoch. @default now */
  readonly time?: number;
}

/** Reference shares of two replicas that differ by more than this come from different profiles. */
const REFERENCE_TOLERANCE = 1e-9;
/** Scores that bin counts give; KS and Wasserstein need the values themselves, which Prometheus does not hold. */
const BIN_SCORES: readonly DriftScoreName[] = ['psi', 'jensen_shannon', 'chi2'];
const isPValue = (name: DriftScoreName): boolean => name === 'chi2' || name === 'ks_p_value';

async function chooseVersion(input: PrometheusReportInput, time: number): Promise<string> {
  const found = await queryInstant(input.url, versionsQuery(input.model), time);
  const versions = found.map((s) => s.labels[LABELS.version] ?? '');
  if (input.version !== undefined) {
    if (versions.includes(input.version)) return input.version;
    throw new InputError(
      `Prometheus at ${input.url} has no drift series of ${input.model} ${input.version}` +
        (versions.length > 0 ? `; it has the versions ${versions.join(', ')}` : ''),
    );
  }
  if (versions.length === 1) return versions[0]!;
  if (versions.length === 0) {
    const models = await queryInstant(input.url, versionsQuery(undefined), time);
    const names = [...new Set(models.map((s) => s.labels[LABELS.model] ?? ''))];
    throw new InputError(
      `Prometheus at ${input.url} has no drift series (ml_drift_reference_ratio) of the model ${JSON.stringify(input.model)}` +
        (names.length > 0 ? `; it has ${names.map((n) => JSON.stringify(n)).join(', ')}` : ''),
    );
  }
  throw new InputError(
    `Prometheus at ${input.url} has drift series of several versions of ${input.model} (${versions.join(', ')}): choose one with --model-version`,
  );
}

/** Values per bin of each feature, from samples labelled with the feature and the bin. */
function perFeatureBin(samples: readonly InstantSample[]): Map<string, Map<number, number>> {
  const result = new Map<string, Map<number, number>>();
  for (const s of samples) {
    const feature = s.labels[LABELS.feature] ?? '';
    const bins = result.get(feature) ?? new Map<number, number>();
    bins.set(Number(s.labels[LABELS.bin]), s.value);
    result.set(feature, bins);
  }
  return result;
}

function scoresOf(feature: FeatureProfile, reference: readonly number[], counts: readonly number[]) {
  const scores: Partial<Record<DriftScoreName, number>> = {
    psi: psi(reference, counts),
    jensen_shannon: jensenShannon(reference, counts),
  };
  if (feature.type === 'categorical' && reference.length >= 2) scores.chi2 = chiSquareTest(reference, counts).pValue;
  return scores;
}

/** The scores that crossed their threshold, as `DriftMonitor` decides: at or above it, or below it for p-values. */
function crossed(scores: Partial<Record<DriftScoreName, number>>, settings: DriftSettings): DriftScoreName[] {
  return BIN_SCORES.filter((name) => {
    const score = scores[name];
    const threshold = settings.thresholds[name];
    if (score === undefined || threshold === undefined) return false;
    return isPValue(name) ? score < threshold : score >= threshold;
  });
}

function qualityOf(
  predictions: readonly InstantSample[],
  feedback: readonly InstantSample[],
  outcomes: readonly InstantSample[],
  outcomeValues: readonly InstantSample[],
): ReportQuality | undefined {
  const byLabel = (samples: readonly InstantSample[], label: string, value: string) =>
    samples.filter((s) => s.labels[label] === value).reduce((sum, s) => sum + s.value, 0);
  const correct = byLabel(feedback, LABELS.feedbackOutcome, 'correct');
  const labelled = correct + byLabel(feedback, LABELS.feedbackOutcome, 'incorrect');
  const values = new Map(outcomeValues.map((s) => [s.labels[LABELS.outcomeName] ?? '', s.value]));
  const quality: ReportQuality = {
    ...(predictions.length > 0
      ? {
          predictions: {
            ok: byLabel(predictions, LABELS.status, 'ok'),
            error: byLabel(predictions, LABELS.status, 'error'),
          },
        }
      : {}),
    ...(labelled > 0 ? { labelled, correct, accuracy: correct / labelled } : {}),
    ...(outcomes.length > 0
      ? {
          outcomes: outcomes
            .map((s) => {
              const name = s.labels[LABELS.outcomeName] ?? '';
              return { name, predictions: s.value, value: values.get(name) ?? 0 };
            })
            .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
        }
      : {}),
  };
  return Object.keys(quality).length > 0 ? quality : undefined;
}

/**
 * The drift report of a whole fleet from Prometheus: per feature of the profile, the bin counters
 * (`ml_drift_bin_total`) of every replica of one model version summed, scored against the reference
 * (`ml_drift_reference_ratio`) by `@modelsight/drift` — the same numbers as a monitor that saw the
 * values of all replicas; missing and invalid counts summed; predictions, feedback accuracy and business
 * outcomes of the fleet. KS and Wasserstein need the values themselves and are not computed.
 *
 * @throws InputError when Prometheus cannot be reached, refuses a query, or has no drift series of the model.
 */
export async function reportFromPrometheus(input: PrometheusReportInput): Promise<ReportDocument> {
  const time = (input.time ?? Date.now()) / 1000;
  const version = await chooseVersion(input, time);
  const selection: FleetSelection = {
    model: input.model,
    version,
    ...(input.range === undefined ? {} : { range: input.range }),
  };
  const queries = fleetQueries(selection);
  const entries = Object.entries(queries) as [keyof typeof queries, string][];
  const answers = Object.fromEntries(
    await Promise.all(
      entries.map(async ([key, promql]) => [key, await queryInstant(input.url, promql, time)] as const),
    ),
  ) as Record<keyof typeof queries, InstantSample[]>;

  const warnings = [...(input.warnings ?? [])];
  const totals = perFeatureBin(answers.binTotals);
  const ratios = perFeatureBin(answers.referenceRatios);
  const spread = answers.referenceSpread.filter((s) => s.value > REFERENCE_TOLERANCE);
  const differing = [...new Set(spread.map((s) => s.labels[LABELS.feature] ?? ''))];
  if (differing.length > 0) {
    warnings.push(
      `the replicas watch ${differing.map((n) => JSON.stringify(n)).join(', ')} with different references: they were given different profiles`,
    );
  }
  const missing = new Map(answers.missing.map((s) => [s.labels[LABELS.feature] ?? '', s.value]));
  const descriptions = binDescriptions(input.profile);

  const features = input.profile.features.map((feature): ReportFeature => {
    const bins = feature.proportions.length;
    const present = ratios.has(feature.name);
    const profileTotal = feature.proportions.reduce((a, b) => a + b, 0);
    const fleetRatios = ratios.get(feature.name);
    if (
      fleetRatios !== undefined &&
      (fleetRatios.size !== bins ||
        feature.proportions.some(
          (p, i) => Math.abs((fleetRatios.get(i) ?? Number.NaN) - p / profileTotal) > REFERENCE_TOLERANCE,
        ))
    ) {
      warnings.push(
        `the fleet's reference for ${JSON.stringify(feature.name)} differs from the profile's: it was built from another profile`,
      );
    }
    if (!present) warnings.push(`the fleet does not watch the feature ${JSON.stringify(feature.name)} of the profile`);
    const reference = Array.from({ length: bins }, (_, i) =>
      fleetRatios === undefined ? (feature.proportions[i] as number) / profileTotal : (fleetRatios.get(i) ?? 0),
    );
    const counted = totals.get(feature.name);
    const counts = Array.from({ length: bins }, (_, i) => counted?.get(i) ?? 0);
    const total = counts.reduce((a, b) => a + b, 0);
    const ready = present && total >= input.settings.minSamples && reference.some((r) => r > 0);
    const scores = ready ? scoresOf(feature, reference, counts) : {};
    const driftedBy = crossed(scores, input.settings);
    const invalid = { type: 0, out_of_range: 0, unseen_category: 0 };
    for (const s of answers.invalid) {
      if (s.labels[LABELS.feature] !== feature.name) continue;
      const reason = s.labels[LABELS.reason] as keyof typeof invalid;
      if (Object.hasOwn(invalid, reason)) invalid[reason] += s.value;
    }
    const labels = binLabels(feature);
    const names = descriptions.get(feature.name) ?? [];
    return {
      name: feature.name,
      type: feature.type,
      role:
        feature.name === DEFAULT_DRIFT_OPTIONS.outputs.label ||
        feature.name === DEFAULT_DRIFT_OPTIONS.outputs.confidence
          ? 'output'
          : 'input',
      present,
      samples: total,
      ready,
      scores,
      drifted: driftedBy.length > 0,
      driftedBy,
      missing: missing.get(feature.name) ?? 0,
      invalid,
      bins: reference.map((r, i) => ({
        label: labels[i] ?? String(i),
        description: names[i] ?? String(i),
        reference: r,
        current: total === 0 ? 0 : (counts[i] as number) / total,
        count: counts[i] as number,
      })),
      reference: referenceSummary(feature),
    };
  });
  const quality = qualityOf(answers.predictions, answers.feedback, answers.outcomes, answers.outcomeValues);
  const thresholds = Object.fromEntries(
    BIN_SCORES.filter((n) => input.settings.thresholds[n] !== undefined).map((n) => [n, input.settings.thresholds[n]]),
  ) as Partial<Record<DriftScoreName, number>>;
  return {
    format: REPORT_FORMAT,
    formatVersion: REPORT_FORMAT_VERSION,
    title: input.title ?? `Drift of ${input.model} ${version} across the fleet`,
    generatedAt: new Date(time * 1000).toISOString(),
    source: {
      kind: 'prometheus',
      profile: input.profileName,
      url: input.url,
      model: input.model,
      version,
      replicas: answers.replicas[0]?.value ?? 0,
      ...(input.range === undefined ? {} : { range: input.range }),
    },
    settings: { minSamples: input.settings.minSamples, thresholds },
    drifted: features.some((f) => f.drifted),
    features: orderByDrift(features),
    ...(quality === undefined ? {} : { quality }),
    warnings,
  };
}
