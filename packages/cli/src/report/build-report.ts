import { loadProfile, ProfileError, type DriftProfile, type DriftThresholds } from '@modelsight/drift';
import type { DataFileOptions } from '../input/data-file-options';
import { InputError } from '../input/input-error';
import { readDataFile, requireColumns, roleColumns } from '../input/read-data-file';
import { reportPlanner } from '../table/column-planners';
import { resolveMaxMissingIncrease, withDataQuality } from './data-quality';
import { resolveDriftSettings } from './drift-settings';
import { fetchMetricsText } from './fetch-metrics';
import { parsePrometheusText } from './prometheus-text';
import { reportFromData } from './report-from-data';
import { reportFromMetrics } from './report-from-metrics';
import { reportFromPrometheus } from './report-from-prometheus';
import type { ReportDocument } from './report-types';

/** Options shared by both kinds of report. */
export interface ReportOptions {
  /** No scores with fewer values. Env: `MODELSIGHT_DRIFT_MIN_SAMPLES`. @default 100 */
  readonly minSamples?: number;
  /**
   * Largest rise of a feature's share of missing (or wrong-type) values above the reference's, as a share:
   * beyond it the feature is marked, in the verdict and under `--fail-on-drift`.
   * Env: `MODELSIGHT_MAX_MISSING_INCREASE`. @default 0.02 (2 points)
   */
  readonly maxMissingIncrease?: number;
  /** The report's title. @default names the data and the profile, or the model */
  readonly title?: string;
  /** Called with each remark of the report (a feature absent from the data, ...). */
  readonly onWarning?: (message: string) => void;
}

/** Options of {@link buildReportFromFile}. */
export interface FileReportOptions extends ReportOptions, DataFileOptions {
  /**
   * Drift thresholds, merged over `DriftMonitor`'s defaults; `null` turns one off. Env:
   * `MODELSIGHT_DRIFT_PSI_THRESHOLD`. @default { psi: 0.2 }
   */
  readonly thresholds?: DriftThresholds;
}

/** Options of {@link buildReportFromMetrics}. */
export interface MetricsReportOptions extends ReportOptions {
  /** The model to report on, when `/metrics` has several. */
  readonly model?: string;
  /** Its version. */
  readonly modelVersion?: string;
}

/** Options of {@link buildReportFromPrometheus}. */
export interface PrometheusReportOptions extends ReportOptions {
  /** The model version to report on; may be left out when Prometheus holds one version of the model. */
  readonly modelVersion?: string;
  /** A PromQL duration (`1h`, `7d`): what the fleet counted over that range. @default the counters as they stand */
  readonly range?: string;
  /**
   * Drift thresholds of the bin scores (`psi`, `jensen_shannon`, `chi2`), merged over `DriftMonitor`'s
   * defaults; `null` turns one off. Env: `MODELSIGHT_DRIFT_PSI_THRESHOLD`. @default { psi: 0.2 }
   */
  readonly thresholds?: DriftThresholds;
}

/** A profile given as data, or the path of its file. */
function profileOf(profile: DriftProfile | string): { profile: DriftProfile; name: string } {
  if (typeof profile !== 'string') return { profile, name: 'the profile' };
  try {
    return { profile: loadProfile(profile), name: profile };
  } catch (error) {
    if (error instanceof ProfileError) throw new InputError(error.message);
    throw error;
  }
}

/**
 * The drift report of a data file (CSV, JSON Lines or JSON) against a reference profile: every
 * row is fed to a `DriftMonitor` with a window that holds them all, with all its methods, and
 * its thresholds and minimum sample count; accuracy when `label` names the true labels.
 *
 * @param profile A profile, or the path of a profile file.
 * @throws InputError when the profile or the data cannot be read, naming the file, line and column.
 */
export async function buildReportFromFile(
  profile: DriftProfile | string,
  current: string,
  options: FileReportOptions = {},
): Promise<ReportDocument> {
  const warnings: string[] = [];
  const settings = resolveDriftSettings(options.minSamples, options.thresholds ?? {}, (message) =>
    warnings.push(message),
  );
  const maxMissingIncrease = resolveMaxMissingIncrease(options.maxMissingIncrease, (message) => warnings.push(message));
  const reference = profileOf(profile);
  const table = await readDataFile(
    current,
    // Remarks made while reading go into the report, and from there to options.onWarning.
    { ...options, onWarning: (message) => warnings.push(message) },
    reportPlanner(reference.profile, options),
    (sources) => {
      requireColumns(current, sources, roleColumns(options));
      const names = reference.profile.features.map((f) => f.name);
      if (
        !names.some((name) => sources.includes(name)) &&
        options.predictionLabel === undefined &&
        options.predictionConfidence === undefined
      ) {
        throw new InputError(
          `${current} has none of the profile's features (${names
            .slice(0, 8)
            .map((n) => JSON.stringify(n))
            .join(', ')}${names.length > 8 ? ', ...' : ''}): is it the right file, with the right delimiter?`,
        );
      }
    },
  );
  options.progress?.step('computing the scores');
  const doc = withDataQuality(
    reportFromData({
      profile: reference.profile,
      profileName: reference.name,
      table,
      currentName: current,
      labelColumn: options.label,
      settings,
      title: options.title,
      warnings,
    }),
    reference.profile,
    maxMissingIncrease,
  );
  for (const warning of doc.warnings) options.onWarning?.(warning);
  return doc;
}

/**
 * The drift report of a running service from one scrape of its Prometheus endpoint (or a file
 * holding one): its own window scores and drift decisions, and the bin shares of every value it
 * counted since it started, scored by `@modelsight/drift`.
 *
 * @param profile A profile, or the path of a profile file: the one the service watches with.
 * @param source `http://host:9464/metrics`, or a file.
 * @throws InputError when the endpoint cannot be reached or has no drift series of one model.
 */
export async function buildReportFromMetrics(
  profile: DriftProfile | string,
  source: string,
  options: MetricsReportOptions = {},
): Promise<ReportDocument> {
  const warnings: string[] = [];
  const settings = resolveDriftSettings(options.minSamples, {}, (message) => warnings.push(message));
  const maxMissingIncrease = resolveMaxMissingIncrease(options.maxMissingIncrease, (message) => warnings.push(message));
  const reference = profileOf(profile);
  const samples = parsePrometheusText(await fetchMetricsText(source));
  const doc = withDataQuality(
    reportFromMetrics({
      profile: reference.profile,
      profileName: reference.name,
      url: source,
      samples,
      model: options.model,
      version: options.modelVersion,
      settings,
      title: options.title,
      warnings,
    }),
    reference.profile,
    maxMissingIncrease,
  );
  for (const warning of doc.warnings) options.onWarning?.(warning);
  return doc;
}

/**
 * The drift report of every replica of a model version together, from the Prometheus server that scrapes
 * them: the bin counters of all replicas summed and scored against the profile, as a monitor that saw
 * every value of the fleet would score them; predictions, feedback accuracy and business outcomes summed.
 *
 * @param profile A profile, or the path of a profile file: the one the replicas watch with.
 * @param url The Prometheus server's base URL, e.g. `http://prometheus:9090`.
 * @param model The model name (`ml_model_name`).
 * @throws InputError when Prometheus cannot be reached or holds no drift series of the model.
 */
export async function buildReportFromPrometheus(
  profile: DriftProfile | string,
  url: string,
  model: string,
  options: PrometheusReportOptions = {},
): Promise<ReportDocument> {
  const warnings: string[] = [];
  const settings = resolveDriftSettings(options.minSamples, options.thresholds ?? {}, (message) =>
    warnings.push(message),
  );
  const maxMissingIncrease = resolveMaxMissingIncrease(options.maxMissingIncrease, (message) => warnings.push(message));
  const reference = profileOf(profile);
  const fleet = await reportFromPrometheus({
    profile: reference.profile,
    profileName: reference.name,
    url,
    model,
    ...(options.modelVersion === undefined ? {} : { version: options.modelVersion }),
    ...(options.range === undefined ? {} : { range: options.range }),
    settings,
    title: options.title,
    warnings,
  });
  const doc = withDataQuality(fleet, reference.profile, maxMissingIncrease);
  for (const warning of doc.warnings) options.onWarning?.(warning);
  return doc;
}
