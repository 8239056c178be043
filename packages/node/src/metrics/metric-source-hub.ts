import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type GaugeMetricData,
  type MetricProducer,
  type ResourceMetrics,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';
import { warnOnce } from '../diagnostics/warn-once';

/** One series of a source (the shape `@modelsight/drift` reports; structural, no dependency). */
interface SourcePoint {
  readonly attributes: Attributes;
  readonly value: number;
}

/** The series a source reports under one instrument name. */
interface SourceFamily {
  readonly name: string;
  readonly description: string;
  readonly kind: 'gauge' | 'counter';
  readonly startTimeMs: number;
  readonly points: readonly SourcePoint[];
}

/** Something that reports its series at collection time without instruments of the SDK (a drift monitor). */
export interface MetricSource {
  readonly scope: { readonly name: string; readonly version?: string };
  collect(): readonly SourceFamily[];
}

/** Where sources find the hub: the key `@modelsight/drift` reads. */
const HUB_KEY = Symbol.for('@modelsight/metric-source-hub.v1');
const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ 'otel.metric.overflow': true });

/**
 * Collects the series of sources that report without the SDK's instruments and hands them to the metric
 * readers as a `MetricProducer`. A drift monitor has tens of series per feature with fixed attributes;
 * through observable instruments each costs about 3 µs at every collection (the SDK hashes the attribute
 * set twice and updates several maps), here a fraction of it. Each metric keeps at most `cardinalityLimit`
 * series, the overflow one included, as the SDK would.
 */
export class MetricSourceHub {
  private readonly sources = new Set<MetricSource>();

  /** Registers a source; returns the function that removes it. */
  add(source: MetricSource): () => void {
    this.sources.add(source);
    return () => {
      this.sources.delete(source);
    };
  }

  /** A producer of every source's series, for one reader. */
  producer(cardinalityLimit: number): MetricProducer {
    return { collect: async () => this.collect(cardinalityLimit) };
  }

  private collect(limit: number): CollectionResult {
    const endTime = hrTime(Date.now());
    const scopes = new Map<string, { scope: MetricSource['scope']; metrics: Map<string, CappedFamily> }>();
    for (const source of this.sources) {
      let families: readonly SourceFamily[];
      try {
        families = source.collect();
      } catch (error) {
        warnOnce(
          `source:${source.scope.name}`,
          `${source.scope.name} failed to report its metrics: ${error instanceof Error ? error.message : String(error)}`,
        );
        continue;
      }
      const scopeKey = `${source.scope.name}\u0000${source.scope.version ?? ''}`;
      let scope = scopes.get(scopeKey);
      if (scope === undefined) {
        scope = { scope: source.scope, metrics: new Map() };
        scopes.set(scopeKey, scope);
      }
      for (const family of families) {
        let capped = scope.metrics.get(family.name);
        if (capped === undefined) {
          capped = new CappedFamily(family, limit);
          scope.metrics.set(family.name, capped);
        }
        capped.add(family);
      }
    }
    const resourceMetrics = {
      // A MetricReader keeps the SDK's own resource and takes only the scope metrics of producers.
      resource: undefined,
      scopeMetrics: [...scopes.values()].map(({ scope, metrics }) => ({
        scope,
        metrics: [...metrics.values()].map((family) => family.metricData(endTime)),
      })),
    } as unknown as ResourceMetrics;
    return { resourceMetrics, errors: [] };
  }
}

/** The points of one metric across sources, at most `limit` of them. */
class CappedFamily {
  private readonly points: { attributes: Attributes; value: number }[] = [];
  private startTimeMs: number;
  private overflow: number | undefined;

  constructor(
    private readonly family: SourceFamily,
    private readonly limit: number,
  ) {
    this.startTimeMs = family.startTimeMs;
  }

  add(family: SourceFamily): void {
    if (family.startTimeMs < this.startTimeMs) this.startTimeMs = family.startTimeMs;
    for (const point of family.points) {
      if (this.points.length < this.limit - 1) {
        this.points.push(point);
      } else {
        // As the SDK folds: counters add up, a gauge keeps the last value.
        this.overflow = this.family.kind === 'counter' ? (this.overflow ?? 0) + point.value : point.value;
      }
    }
  }

  metricData(endTime: HrTime): SumMetricData | GaugeMetricData {
    const startTime = hrTime(this.startTimeMs);
    const dataPoints = this.points.map(({ attributes, value }) => ({ attributes, startTime, endTime, value }));
    if (this.overflow !== undefined)
      dataPoints.push({ attributes: OVERFLOW_ATTRIBUTES, startTime, endTime, value: this.overflow });
    const descriptor = {
      name: this.family.name,
      description: this.family.description,
      unit: '',
      valueType: ValueType.DOUBLE,
    };
    const aggregationTemporality = AggregationTemporality.CUMULATIVE;
    return this.family.kind === 'counter'
      ? { descriptor, aggregationTemporality, dataPointType: DataPointType.SUM, isMonotonic: true, dataPoints }
      : { descriptor, aggregationTemporality, dataPointType: DataPointType.GAUGE, dataPoints };
  }
}

function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

/**
 * The process's hub, installed on `globalThis` where `@modelsight/drift` looks for it. Only when the
 * preload owns the global meter provider: monitors of an app with an SDK of its own keep reporting to it.
 */
export function installMetricSourceHub(): MetricSourceHub {
  const holder = globalThis as { [HUB_KEY]?: MetricSourceHub };
  holder[HUB_KEY] ??= new MetricSourceHub();
  return holder[HUB_KEY];
}
