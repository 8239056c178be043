import type { Attributes, HrTime } from '@opentelemetry/api';
import { ATTR_OTEL_METRIC_OVERFLOW } from './model-stats';

/** One exported data point of a sum (counter or gauge-like total). */
export interface SumPoint {
  readonly attributes: Attributes;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly value: number;
}

const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ [ATTR_OTEL_METRIC_OVERFLOW]: true });

/**
 * The data points of one sum metric, at most `limit` of them: the first `limit − 1` series keep
 * their own point, every later one (and the registry's overflow totals) is added to a single point
 * whose only attribute is `otel.metric.overflow: true`, as the OpenTelemetry SDK does with the
 * attribute sets beyond an instrument's cardinality limit. Series arrive in the same order at each
 * collection, so the same ones fold every time and the overflow total never goes down.
 */
export class CappedSum {
  readonly points: SumPoint[] = [];
  /** Attributes of the first series that did not get a point of its own. */
  firstFolded: Attributes | undefined;
  private overflow = 0;
  private overflowStart: HrTime | undefined;
  private overflowEnd: HrTime | undefined;

  constructor(private readonly limit: number) {}

  add(attributes: Attributes, value: number, startTime: HrTime, endTime: HrTime, fromOverflowTotals: boolean): void {
    if (!fromOverflowTotals && this.points.length < this.limit - 1) {
      this.points.push({ attributes, startTime, endTime, value });
      return;
    }
    if (!fromOverflowTotals) this.firstFolded ??= attributes;
    this.overflow += value;
    if (this.overflowStart === undefined || earlier(startTime, this.overflowStart)) this.overflowStart = startTime;
    this.overflowEnd = endTime;
  }

  /** Whether some series were folded into the overflow point. */
  get overflowed(): boolean {
    return this.overflowEnd !== undefined;
  }

  /** The points, the overflow point last. */
  finish(): SumPoint[] {
    if (this.overflowEnd === undefined) return this.points;
    return [
      ...this.points,
      {
        attributes: OVERFLOW_ATTRIBUTES,
        startTime: this.overflowStart!,
        endTime: this.overflowEnd,
        value: this.overflow,
      },
    ];
  }
}

function earlier(a: HrTime, b: HrTime): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}
