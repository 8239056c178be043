import { MeterProvider, MetricReader, type DataPoint, type MetricData } from '@opentelemetry/sdk-metrics';

/** A reader that collects on demand, for unit tests. */
class ManualReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

export interface CollectedPoint {
  metric: string;
  attributes: Record<string, unknown>;
  value: number;
}

/** A MeterProvider with a reader; `collect()` returns every data point, flattened. */
export function createTestMeter() {
  const reader = new ManualReader();
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('test');
  const collect = async (): Promise<CollectedPoint[]> => {
    const { resourceMetrics } = await reader.collect();
    const points: CollectedPoint[] = [];
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics as MetricData[]) {
        for (const point of metric.dataPoints as DataPoint<number>[]) {
          points.push({ metric: metric.descriptor.name, attributes: { ...point.attributes }, value: point.value });
        }
      }
    }
    return points;
  };
  return { meter, provider, reader, collect };
}

/** Deterministic normal random numbers (mulberry32 + Box-Muller). */
export function normalGenerator(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    const u = uniform() || Number.MIN_VALUE;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

/** Deterministic uniform numbers in [0, 1). */
export function uniformGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
