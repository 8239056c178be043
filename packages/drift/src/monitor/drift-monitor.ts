import {
  metrics,
  type Attributes,
  type BatchObservableCallback,
  type Meter,
  type Observable,
} from '@opentelemetry/api';
import { parseProfile } from '../profile/parse-profile';
import type { DriftProfile } from '../profile/profile-types';
import { ReportOnce } from '../report-once';
import { ATTR_ML_MODEL_NAME, ATTR_ML_MODEL_VERSION, DRIFT_INSTRUMENTS } from '../semconv';
import { CategoricalFeatureState } from './categorical-feature-state';
import type { FeatureState } from './feature-state';
import { describeEdgesOnRepeatedValues } from './edges-on-repeated-values';
import { createInstruments, type InstrumentRole, type Instruments } from './instruments';
import { metricSourceHub, type MetricFamily } from './metric-source';
import { resolveConfig, type MonitorConfig } from './monitor-config';
import type {
  DriftModelIdentity,
  DriftMonitorOptions,
  DriftReport,
  DriftScoreName,
  FeatureDriftReport,
  PredictionOutputs,
  PredictionRecordLike,
} from './monitor-types';
import { NumericFeatureState } from './numeric-feature-state';

const METER_NAME = '@modelsight/drift';
const OBJECT_PROTOTYPE_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

function checkModel(model: unknown): DriftModelIdentity {
  const m = model as Partial<DriftModelIdentity> | undefined;
  if (m === null || typeof m !== 'object') {
    throw new TypeError(`DriftMonitor: option model must be { name, version }, got ${JSON.stringify(model)}`);
  }
  for (const key of ['name', 'version'] as const) {
    if (typeof m[key] !== 'string' || m[key] === '') {
      throw new TypeError(
        `DriftMonitor: option model.${key} must be a non-empty string, got ${JSON.stringify(m[key])}`,
      );
    }
  }
  return { name: m.name as string, version: m.version as string };
}

/** Output names given explicitly must name two different features of the profile (the defaults may be absent). */
function checkOutputs(options: DriftMonitorOptions, profile: DriftProfile, config: MonitorConfig): void {
  const { labelOutput, confidenceOutput } = config;
  if (labelOutput !== undefined && labelOutput === confidenceOutput) {
    throw new TypeError(
      `DriftMonitor: options outputs.label and outputs.confidence both name ${JSON.stringify(labelOutput)}`,
    );
  }
  for (const [key, name] of [
    ['label', labelOutput],
    ['confidence', confidenceOutput],
  ] as const) {
    if (typeof options.outputs?.[key] === 'string' && !profile.features.some((f) => f.name === name)) {
      throw new TypeError(
        `DriftMonitor: option outputs.${key} is ${JSON.stringify(name)}, which is not a feature of the profile ` +
          `(features: ${profile.features.map((f) => JSON.stringify(f.name)).join(', ')})`,
      );
    }
  }
}

/**
 * Watches a model's inputs and outputs against a reference profile. `observe` (or `onPrediction`,
 * when passed to `traced(..., { observers: [monitor] })`) writes each value into a bounded
 * per-feature window; scores are computed only when metrics are collected (one batch observable
 * callback, or, under the preload `@modelsight/node` and without a `meter` option, one call from the
 * preload's exporters) or `report()` is called. Never throws after construction: bad values are
 * counted as missing or invalid.
 */
export class DriftMonitor {
  /** The model, as given. */
  readonly model: DriftModelIdentity;
  private readonly config: MonitorConfig;
  private readonly inputs: FeatureState[] = [];
  /** Per input: read the value as an own property (names such as `__proto__` or `constructor`). */
  private readonly ownOnly: boolean[] = [];
  private readonly all: FeatureState[] = [];
  private readonly label: FeatureState | undefined;
  private readonly confidence: FeatureState | undefined;
  private readonly scratch: Float64Array;
  private readonly clock: () => number;
  private readonly timed: boolean;
  private readonly problems = new ReportOnce();
  /** How the series leave: through observable instruments of a meter, or through the preload's hub. */
  private readonly exporting:
    | { readonly meter: Meter; readonly instruments: Instruments; readonly callback: BatchObservableCallback }
    | { readonly remove: () => void };
  private readonly startTimeMs = Date.now();
  private closed = false;

  /**
   * @throws TypeError naming the option when an option is invalid; ProfileError when the profile is.
   */
  constructor(options: DriftMonitorOptions) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`DriftMonitor: options must be an object, got ${JSON.stringify(options)}`);
    }
    this.model = checkModel(options.model);
    const profile: DriftProfile = parseProfile(options.profile, 'given to DriftMonitor as option profile');
    this.config = resolveConfig(options);
    if (options.clock !== undefined && typeof options.clock !== 'function') {
      throw new TypeError(`DriftMonitor: option clock must be a function, got ${typeof options.clock}`);
    }
    this.clock = options.clock ?? Date.now;
    this.timed = this.config.windowMs !== undefined;
    const modelAttributes: Attributes = {
      [ATTR_ML_MODEL_NAME]: this.model.name,
      [ATTR_ML_MODEL_VERSION]: this.model.version,
    };
    let label: FeatureState | undefined;
    let confidence: FeatureState | undefined;
    for (const feature of profile.features) {
      const isLabel = feature.name === this.config.labelOutput;
      const isConfidence = feature.name === this.config.confidenceOutput;
      const role = isLabel || isConfidence ? 'output' : 'input';
      const state: FeatureState =
        feature.type === 'numeric'
          ? new NumericFeatureState(feature, role, this.config, modelAttributes)
          : new CategoricalFeatureState(feature, role, this.config, modelAttributes);
      this.all.push(state);
      if (isLabel) label = state;
      else if (isConfidence) confidence = state;
      else {
        this.inputs.push(state);
        this.ownOnly.push(OBJECT_PROTOTYPE_KEYS.has(feature.name));
      }
    }
    this.label = label;
    this.confidence = confidence;
    checkOutputs(options, profile, this.config);
    const tiedEdges = describeEdgesOnRepeatedValues(profile.features);
    if (tiedEdges !== undefined) this.problems.report('edges-on-repeated-values', tiedEdges);
    this.scratch = new Float64Array(this.config.windowSize);

    if (
      options.meter !== undefined &&
      (options.meter === null || typeof options.meter.createObservableGauge !== 'function')
    ) {
      throw new TypeError('DriftMonitor: option meter must be an OpenTelemetry Meter');
    }
    // Without a meter of its own, under the preload, the monitor reports straight to the exporters.
    const hub = options.meter === undefined ? metricSourceHub() : undefined;
    if (hub !== undefined) {
      this.exporting = { remove: hub.add({ scope: { name: METER_NAME }, collect: () => this.families() }) };
    } else {
      const meter = options.meter ?? metrics.getMeter(METER_NAME);
      const instruments = createInstruments(meter);
      const callback: BatchObservableCallback = (result) =>
        this.collect((role, value, attributes) => result.observe(instruments[role], value, attributes));
      meter.addBatchObservableCallback(callback, Object.values(instruments) as Observable[]);
      this.exporting = { meter, instruments, callback };
    }
  }

  /**
   * Counts one row of model inputs (a plain object, feature name → value) and, when given, the
   * prediction's outputs. Synchronous and cheap: per profile feature one property read, one type
   * check, one binary search or Map lookup, and one write into a typed array. Keys that are not in
   * the profile are ignored. Any input is accepted: a row that is not an object counts every input
   * feature as missing.
   */
  observe(row: unknown, outputs?: PredictionOutputs): void {
    if (this.closed) return;
    const now = this.timed ? this.clock() : 0;
    this.observeInputs(row, now);
    if (outputs !== undefined) this.observeOutputs(outputs, now);
  }

  /**
   * {@link PredictionObserver} of `@modelsight/core`: feeds the prediction's `features` (when the
   * wrapper extracts them) and its label and confidence (into the `outputs` features). Predictions
   * that failed (`status: 'error'`) are skipped.
   */
  onPrediction(record: PredictionRecordLike): void {
    if (this.closed || record === null || typeof record !== 'object') return;
    try {
      if (record.status === 'error') return;
      const now = this.timed ? this.clock() : 0;
      if (record.features !== undefined) this.observeInputs(record.features, now);
      this.observeOutputs(record, now);
    } catch (error) {
      this.problems.report('record', 'could not read a prediction record', error);
    }
  }

  private observeInputs(row: unknown, now: number): void {
    const inputs = this.inputs;
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      for (let i = 0; i < inputs.length; i++) (inputs[i] as FeatureState).observe(undefined, now);
      return;
    }
    const record = row as Record<string, unknown>;
    for (let i = 0; i < inputs.length; i++) {
      const feature = inputs[i] as FeatureState;
      let value: unknown;
      try {
        // `row['constructor']` would find Object.prototype's; such names are read as own properties only.
        value = this.ownOnly[i]
          ? Object.hasOwn(record, feature.name)
            ? record[feature.name]
            : undefined
          : record[feature.name];
      } catch (error) {
        // A getter or a Proxy that throws: the value is unusable.
        this.problems.report(`read:${feature.name}`, `reading feature ${JSON.stringify(feature.name)} threw`, error);
        value = INVALID;
      }
      feature.observe(value, now);
    }
  }

  private observeOutputs(outputs: PredictionOutputs, now: number): void {
    if (outputs === null || typeof outputs !== 'object') return;
    let label: unknown;
    let confidence: unknown;
    try {
      label = outputs.label;
      confidence = outputs.confidence;
    } catch (error) {
      this.problems.report('read:outputs', 'reading the prediction outputs threw', error);
      label = INVALID;
      confidence = INVALID;
    }
    if (this.label !== undefined) this.label.observe(label, now);
    if (this.confidence !== undefined) this.confidence.observe(confidence, now);
  }

  private refreshAll(now: number): void {
    for (const feature of this.all) feature.refresh(now, this.config, this.scratch);
  }

  /** At collection: computes the scores and hands every series to `observe`. */
  private collect(observe: (role: InstrumentRole, value: number, attributes: Attributes) => void): void {
    if (this.closed) return;
    try {
      this.refreshAll(this.clock());
      for (const f of this.all) {
        observe('windowSamples', f.windowSamples(), f.attributes);
        observe('missing', f.missing, f.attributes);
        for (let i = 0; i < f.invalidReasons.length; i++) {
          observe('invalid', f.invalidCount(f.invalidReasons[i]!), f.invalidAttributes[i]!);
        }
        for (let i = 0; i < f.binTotals.length; i++) {
          observe('bin', f.binTotals[i]!, f.binAttributes[i]!);
          observe('referenceRatio', f.reference[i]!, f.binAttributes[i]!);
        }
        if (f.ready) {
          for (let i = 0; i < f.scoreNames.length; i++) {
            const score = f.scores[i]!;
            if (Number.isFinite(score)) observe('score', score, f.scoreAttributes[i]!);
          }
          observe('detected', f.driftedBy.length > 0 ? 1 : 0, f.attributes);
        }
      }
    } catch (error) {
      this.problems.report('collect', 'computing drift scores failed', error);
    }
  }

  /** The series as families, in the order of the instruments, for the preload's hub. */
  private families(): MetricFamily[] {
    const byRole = {} as Record<InstrumentRole, MetricFamily>;
    for (const [role, [name, kind, description]] of Object.entries(DRIFT_INSTRUMENTS)) {
      byRole[role as InstrumentRole] = { name, kind, description, startTimeMs: this.startTimeMs, points: [] };
    }
    this.collect((role, value, attributes) => byRole[role].points.push({ attributes, value }));
    return Object.values(byRole).filter((family) => family.points.length > 0);
  }

  /** Current scores and counters of every feature, as plain data (computes the scores now). */
  report(): DriftReport {
    const now = this.clock();
    this.refreshAll(now);
    const features: FeatureDriftReport[] = this.all.map((f) => {
      const scores: Partial<Record<DriftScoreName, number>> = {};
      if (f.ready)
        f.scoreNames.forEach((name, i) => {
          scores[name] = f.scores[i]!;
        });
      const n = f.windowSamples();
      const descriptions = f.binDescriptions();
      return {
        name: f.name,
        type: f.type,
        role: f.role,
        windowSamples: n,
        ready: f.ready,
        scores,
        drifted: f.driftedBy.length > 0,
        driftedBy: [...f.driftedBy],
        missing: f.missing,
        invalid: { type: f.invalidType, out_of_range: f.invalidRange, unseen_category: f.unseen },
        bins: Array.from(f.reference, (reference, i) => ({
          bin: String(i),
          description: descriptions[i]!,
          reference,
          current: n === 0 ? 0 : f.windowCounts[i]! / n,
          total: f.binTotals[i]!,
        })),
      };
    });
    return { model: { ...this.model }, time: now, drifted: features.some((f) => f.drifted), features };
  }

  /** Stops observing and reporting (the instruments, if any, stay with their meter). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const exporting = this.exporting;
    if ('remove' in exporting) exporting.remove();
    else
      exporting.meter.removeBatchObservableCallback(
        exporting.callback,
        Object.values(exporting.instruments) as Observable[],
      );
  }
}

/** A value that is neither missing nor of any usable type: counted as invalid `type`. */
const INVALID: unknown = Object.freeze({});
