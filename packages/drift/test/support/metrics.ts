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
