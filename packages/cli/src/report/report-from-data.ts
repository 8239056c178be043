import {
  DEFAULT_DRIFT_OPTIONS,
  DRIFT_METHODS,
  DriftMonitor,
  type DriftProfile,
  type FeatureDriftReport,
} from '@modelsight/drift';
import { InputError } from '../input/input-error';
import type { Column } from '../table/column';
import type { Table } from '../table/table';
import { binLabels } from './bin-labels';
import { MAX_REPORT_WINDOW, type DriftSettings } from './drift-settings';
import { orderByDrift } from './order-features';
import { referenceSummary } from './reference-summary';
import {
  REPORT_FORMAT,
  REPORT_FORMAT_VERSION,
  type ReportDocument,
  type ReportFeature,
  type ReportQuality,
} from './report-types';

/** What a report of a data file against a profile needs. */
export interface DataReportInput {
  readonly profile: DriftProfile;
  /** The profile's file, as shown in the report. */
  readonly profileName: string;
  /** The current data, read with the profile's types. */
  readonly table: Table;
  readonly currentName: string;
  /** Column of the true labels, for accuracy. */
  readonly labelColumn?: string;
  readonly settings: DriftSettings;
  readonly title?: string;
  /** Remarks gathered while reading. */
  readonly warnings?: readonly string[];
}

/** A category as `DriftMonitor` reads one: strings as they are, finite numbers and booleans as their text. */
function categoryText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  return undefined;
}

function accuracyOf(labels: Column, predictions: Column, rows: number): ReportQuality {
  let labelled = 0;
  let correct = 0;
  for (let i = 0; i < rows; i++) {
    const label = categoryText(labels.valueAt(i));
    const predicted = categoryText(predictions.valueAt(i));
    if (label === undefined || predicted === undefined) continue;
    labelled++;
    if (label === predicted) correct++;
  }
  return { labelled, correct, ...(labelled > 0 ? { accuracy: correct / labelled } : {}) };
}

/** The monitor, or an {@link InputError} for a setting it refuses (a threshold out of its range). */
function monitorFor(create: () => DriftMonitor): DriftMonitor {
  try {
    return create();
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) throw new InputError(error.message);
    throw error;
  }
}

/**
 * Feeds every row of the current data to a `DriftMonitor` built on the profile, with a window that
 * holds them all, and turns its report into the report document: every score, decision, count and
 * bin share comes from `@modelsight/drift`, with the thresholds and minimum sample count a service
 * would use.
 */
export function reportFromData(input: DataReportInput): ReportDocument {
  const { profile, table, settings } = input;
  const warnings = [...(input.warnings ?? [])];
  const outputs = DEFAULT_DRIFT_OPTIONS.outputs;
  const windowSize = Math.min(MAX_REPORT_WINDOW, Math.max(table.rows, settings.minSamples));
  if (table.rows > MAX_REPORT_WINDOW) {
    warnings.push(
      `${input.currentName} has ${table.rows} rows: the scores are computed on the last ${MAX_REPORT_WINDOW}`,
    );
  }
  const monitor = monitorFor(
    () =>
      new DriftMonitor({
        model: { name: 'report', version: 'current' },
        profile,
        windowSize,
        minSamples: settings.minSamples,
        // Every method DriftMonitor offers, so that the report shows every score; the decision still follows the thresholds.
        numericMethods: DRIFT_METHODS.numeric,
        categoricalMethods: DRIFT_METHODS.categorical,
        // Every row at the same instant: a time-based window (MODELSIGHT_DRIFT_WINDOW_SECONDS in the
        // environment) then drops nothing while the rows are fed.
        clock: () => 0,
        // Every threshold in force, and the defaults not in force turned off.
        thresholds: Object.fromEntries(
          [...new Set([...Object.keys(DEFAULT_DRIFT_OPTIONS.thresholds), ...Object.keys(settings.thresholds)])].map(
            (name) => [name, settings.thresholds[name as keyof typeof settings.thresholds] ?? null],
          ),
        ),
      }),
  );
  const labelColumn = table.columnOf(outputs.label);
  const confidenceColumn = table.columnOf(outputs.confidence);
  const inputs = profile.features
    .filter((f) => f.name !== outputs.label && f.name !== outputs.confidence)
    .flatMap((f) => {
      const column = table.columnOf(f.name);
      return column === undefined ? [] : [column];
    });
  // One row object and one outputs object, refilled for every row: observe() copies the values into its windows.
  const row: Record<string, unknown> = {};
  const predicted: { label?: unknown; confidence?: unknown } = {};
  const withOutputs = labelColumn !== undefined || confidenceColumn !== undefined;
  for (let i = 0; i < table.rows; i++) {
    for (const column of inputs) row[column.feature] = column.valueAt(i);
    if (withOutputs) {
      predicted.label = labelColumn?.valueAt(i);
      predicted.confidence = confidenceColumn?.valueAt(i);
      monitor.observe(row, predicted);
    } else {
      monitor.observe(row);
    }
  }
  const report = monitor.report();
  monitor.close();

  const byName = new Map(profile.features.map((f) => [f.name, f]));
  const features = report.features.map((f: FeatureDriftReport): ReportFeature => {
    const reference = byName.get(f.name)!;
    const labels = binLabels(reference);
    const present = table.columnOf(f.name) !== undefined;
    if (!present) warnings.push(`${input.currentName} has no column for the feature ${JSON.stringify(f.name)}`);
    return {
      name: f.name,
      type: f.type,
      role: f.role,
      present,
      samples: f.windowSamples,
      ready: f.ready,
      scores: f.scores,
      drifted: f.drifted,
      driftedBy: f.driftedBy,
      missing: present ? f.missing : 0,
      invalid: f.invalid,
      bins: f.bins.map((bin, i) => ({
        label: labels[i] ?? bin.description,
        description: bin.description,
        reference: bin.reference,
        current: bin.current,
        count: bin.total,
      })),
      reference: referenceSummary(reference),
    };
  });

  let quality: ReportQuality | undefined;
  if (input.labelColumn !== undefined) {
    const labels = table.columnBySource(input.labelColumn);
    if (labels === undefined)
      warnings.push(`${input.currentName} has no column ${JSON.stringify(input.labelColumn)} (--label): no accuracy`);
    else if (labelColumn === undefined) {
      warnings.push(
        `${input.currentName} has no predicted label (a column ${JSON.stringify(outputs.label)}, or --prediction-label): no accuracy`,
      );
    } else quality = accuracyOf(labels, labelColumn, table.rows);
  }

  return {
    format: REPORT_FORMAT,
    formatVersion: REPORT_FORMAT_VERSION,
    title: input.title ?? `Drift of ${input.currentName} against ${input.profileName}`,
    generatedAt: new Date().toISOString(),
    source: { kind: 'data', profile: input.profileName, current: input.currentName, rows: table.rows },
    settings: { minSamples: settings.minSamples, thresholds: settings.thresholds },
    drifted: report.drifted,
    features: orderByDrift(features),
    ...(quality === undefined ? {} : { quality }),
    warnings,
  };
}
