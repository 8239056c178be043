import { LABELS, SERIES } from './metric-names';

/** Which series of the fleet a report reads: one model version, over a range or since each replica started. */
export interface FleetSelection {
  readonly model: string;
  readonly version: string;
  /** A PromQL duration such as `1h`: what was counted over that range (`increase`); absent: the counters as they stand. */
  readonly range?: string;
}

/** A label value inside a PromQL string literal. */
export function promqlString(value: string): string {
  return JSON.stringify(value);
}

/** `{ml_model_name="…",ml_model_version="…"}` plus `extra` matchers. */
export function modelSelector(selection: Pick<FleetSelection, 'model' | 'version'>, extra = ''): string {
  const matchers = [
    `${LABELS.model}=${promqlString(selection.model)}`,
    `${LABELS.version}=${promqlString(selection.version)}`,
    ...(extra === '' ? [] : [extra]),
  ];
  return `{${matchers.join(',')}}`;
}

/**
 * A counter summed over every replica: `sum by (labels) (increase(name{…}[range]))`, or without a range
 * `sum by (labels) (name{…})`, which is exact (whole counts) but only holds the replicas scraped in the
 * last five minutes, each since it started.
 */
export function fleetCounter(name: string, selection: FleetSelection, by: readonly string[], extra = ''): string {
  const series = `${name}${modelSelector(selection, extra)}`;
  const value = selection.range === undefined ? series : `increase(${series}[${selection.range}])`;
  return `sum by (${by.join(', ')}) (${value})`;
}

/** The queries of one fleet report. */
export function fleetQueries(selection: FleetSelection) {
  const bySeries = [LABELS.feature, LABELS.bin];
  const reference = `${SERIES.referenceRatio}${modelSelector(selection)}`;
  return {
    binTotals: fleetCounter(SERIES.binTotal, selection, bySeries),
    // Every replica has the same reference when they watch with the same profile: the mean is that
    // reference, and the spread says when they do not.
    referenceRatios: `avg by (${bySeries.join(', ')}) (${reference})`,
    referenceSpread: `max by (${bySeries.join(', ')}) (${reference}) - min by (${bySeries.join(', ')}) (${reference})`,
    replicas: `count(count without (${bySeries.join(', ')}) (${reference}))`,
    missing: fleetCounter(SERIES.missing, selection, [LABELS.feature]),
    invalid: fleetCounter(SERIES.invalid, selection, [LABELS.feature, LABELS.reason]),
    predictions: fleetCounter(SERIES.predictions, selection, [LABELS.status]),
    feedback: fleetCounter(
      SERIES.feedback,
      selection,
      [LABELS.feedbackOutcome],
      `${LABELS.feedbackOutcome}=~"correct|incorrect"`,
    ),
    outcomes: fleetCounter(SERIES.outcomes, selection, [LABELS.outcomeName]),
    outcomeValues: fleetCounter(SERIES.outcomeValues, selection, [LABELS.outcomeName]),
  };
}

/** The model versions that export drift series to Prometheus, for `model` (any model when absent). */
export function versionsQuery(model: string | undefined): string {
  const selector = model === undefined ? '' : `{${LABELS.model}=${promqlString(model)}}`;
  return `count by (${LABELS.model}, ${LABELS.version}) (${SERIES.referenceRatio}${selector})`;
}
