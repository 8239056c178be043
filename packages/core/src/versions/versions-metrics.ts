import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import type {
  AggregationTemporality,
  DataPointType,
  GaugeMetricData,
  HistogramMetricData,
  MetricData,
  SumMetricData,
} from '@opentelemetry/sdk-metrics';
import type { RegistryMetricSource } from '../metrics/prediction-metrics-registry';
import { FixedHistogram } from '../metrics/fixed-histogram';
import { ATTR_ML_MODEL_NAME, ATTR_ML_MODEL_VERSION } from '../semconv';
import type { RollbackReason } from './canary-guard';
import type { ShadowDropReason } from './shadow-queue';
import {
  ATTR_OUTCOME,
  ATTR_REASON,
  METRIC_ML_ROLLBACKS,
  METRIC_ML_SHADOW_COMPARISONS,
  METRIC_ML_SHADOW_DIFFERENCE_ABSOLUTE,
  METRIC_ML_SHADOW_DROPPED,
  METRIC_ML_VERSION_SHARE,
  SHADOW_DIFFERENCE_BUCKETS,
} from './versions-semconv';

// The SDK's enums, by value: core needs `@opentelemetry/sdk-metrics` for types only.
const CUMULATIVE = 1 as AggregationTemporality.CUMULATIVE;
const HISTOGRAM = 0 as DataPointType.HISTOGRAM;
const GAUGE = 2 as DataPointType.GAUGE;
const SUM = 3 as DataPointType.SUM;

/** How a shadow's answer compared with the primary's; exported as the `outcome` label. */
export type ComparisonOutcome = 'agree' | 'disagree' | 'error';

const OUTCOMES: readonly ComparisonOutcome[] = ['agree', 'disagree', 'error'];
const GUARD_REASONS: readonly RollbackReason[] = ['error_rate', 'latency', 'accuracy'];
const DROP_REASONS: readonly ShadowDropReason[] = ['queue_full', 'closed'];

const labelled = (base: Attributes, key: string, value: string): Attributes => Object.freeze({ ...base, [key]: value });

/** Running totals of one shadow version, updated in place off the request path. */
export class ShadowTotals {
  readonly attributes: Attributes;
  readonly comparisons: Record<ComparisonOutcome, number> = { agree: 0, disagree: 0, error: 0 };
  readonly difference = new FixedHistogram(SHADOW_DIFFERENCE_BUCKETS);
  readonly outcomeAttributes: Record<ComparisonOutcome, Attributes>;
  readonly dropAttributes: Record<ShadowDropReason, Attributes>;

  constructor(
    name: string,
    version: string,
    readonly dropped: Readonly<Record<ShadowDropReason, number>>,
  ) {
    this.attributes = Object.freeze({ [ATTR_ML_MODEL_NAME]: name, [ATTR_ML_MODEL_VERSION]: version });
    this.outcomeAttributes = Object.fromEntries(
      OUTCOMES.map((o) => [o, labelled(this.attributes, ATTR_OUTCOME, o)]),
    ) as Record<ComparisonOutcome, Attributes>;
    this.dropAttributes = Object.fromEntries(
      DROP_REASONS.map((r) => [r, labelled(this.attributes, ATTR_REASON, r)]),
    ) as Record<ShadowDropReason, Attributes>;
  }
}

/** Rollbacks of one canary, and the attributes of its series. */
export class CanaryTotals {
  readonly attributes: Attributes;
  readonly rollbacks: Record<RollbackReason, number> = { error_rate: 0, latency: 0, accuracy: 0, manual: 0 };
  private readonly reasonAttributes: Record<RollbackReason, Attributes>;

  constructor(name: string, version: string) {
    this.attributes = Object.freeze({ [ATTR_ML_MODEL_NAME]: name, [ATTR_ML_MODEL_VERSION]: version });
    this.reasonAttributes = Object.fromEntries(
      [...GUARD_REASONS, 'manual'].map((r) => [r, labelled(this.attributes, ATTR_REASON, r)]),
    ) as Record<RollbackReason, Attributes>;
  }

  /** The reasons with a series: those of the guard always (so that `increase()` sees the first one), `manual` once used. */
  *series(): IterableIterator<[Attributes, number]> {
    for (const reason of GUARD_REASONS) yield [this.reasonAttributes[reason], this.rollbacks[reason]];
    if (this.rollbacks.manual > 0) yield [this.reasonAttributes.manual, this.rollbacks.manual];
  }
}

/**
 * The metrics of one `modelVersions()` group, handed to the SDK by the prediction metric producer:
 * `ml_version_share`, `ml_rollbacks_total`, `ml_shadow_comparisons_total`, `ml_shadow_difference_absolute`
 * and `ml_shadow_dropped_total`. Nothing is recorded into the SDK per call.
 */
export class VersionsMetrics implements RegistryMetricSource {
  private readonly startTime: HrTime = hrTimeFromMs(Date.now());

  constructor(
    /** The routed versions (primary first) with the share of each now. */
    private readonly shares: () => Iterable<[Attributes, number]>,
    private readonly canaries: readonly CanaryTotals[],
    private readonly shadows: readonly ShadowTotals[],
  ) {}

  collect(endTime: HrTime): MetricData[] {
    const startTime = this.startTime;
    const point = <T>(attributes: Attributes, value: T) => ({ attributes, startTime, endTime, value });
    const share: GaugeMetricData = {
      descriptor: descriptor(
        METRIC_ML_VERSION_SHARE,
        'Share of calls routed to each version (configured, after rollbacks).',
        '',
      ),
      aggregationTemporality: CUMULATIVE,
      dataPointType: GAUGE,
      dataPoints: [...this.shares()].map(([attributes, value]) => point(attributes, value)),
    };
    const metrics: MetricData[] = [share];
    if (this.canaries.length > 0) {
      metrics.push(
        sum(
          METRIC_ML_ROLLBACKS,
          'Canary versions rolled back, by reason (error_rate, latency, accuracy: by the guard; manual).',
          this.canaries.flatMap((c) => [...c.series()].map(([attributes, value]) => point(attributes, value))),
        ),
      );
    }
    if (this.shadows.length > 0) {
      metrics.push(
        sum(
          METRIC_ML_SHADOW_COMPARISONS,
          "Shadow predictions compared with the primary's, by outcome (agree, disagree, error); the version is the shadow's.",
          this.shadows.flatMap((s) => OUTCOMES.map((o) => point(s.outcomeAttributes[o], s.comparisons[o]))),
        ),
        sum(
          METRIC_ML_SHADOW_DROPPED,
          'Shadow calls not run, by reason (queue_full: the shadow could not keep up; closed).',
          this.shadows.flatMap((s) => DROP_REASONS.map((r) => point(s.dropAttributes[r], s.dropped[r]))),
        ),
      );
      const withNumbers = this.shadows.filter((s) => s.difference.count > 0);
      if (withNumbers.length > 0) {
        const histogram: HistogramMetricData = {
          descriptor: descriptor(
            METRIC_ML_SHADOW_DIFFERENCE_ABSOLUTE,
            "Absolute difference between a shadow's numeric output and the primary's, in the unit of the output.",
            '',
          ),
          aggregationTemporality: CUMULATIVE,
          dataPointType: HISTOGRAM,
          dataPoints: withNumbers.map((s) => {
            const h = s.difference;
            return point(s.attributes, {
              buckets: { boundaries: [...h.bounds], counts: Array.from(h.counts) },
              sum: h.sum,
              count: h.count,
              min: h.min,
              max: h.max,
            });
          }),
        };
        metrics.push(histogram);
      }
    }
    return metrics;
  }
}

function descriptor(name: string, description: string, unit: string) {
  return { name, description, unit, valueType: ValueType.DOUBLE };
}

function sum(name: string, description: string, dataPoints: SumMetricData['dataPoints']): SumMetricData {
  return {
    descriptor: { ...descriptor(name, description, ''), valueType: ValueType.INT },
    aggregationTemporality: CUMULATIVE,
    dataPointType: SUM,
    isMonotonic: true,
    dataPoints,
  };
}

function hrTimeFromMs(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}
