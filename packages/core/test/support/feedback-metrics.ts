import type { Attributes } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type Histogram } from '@opentelemetry/sdk-metrics';
import type { PredictionRecord } from '../../src/index';

/** A reader that exports nothing: tests call `collect()` and look at what it returns. */
class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** One collected data point, flattened. */
export interface CollectedPoint {
  readonly name: string;
  readonly attributes: Attributes;
  readonly value: number | Histogram;
}

/** A real SDK MeterProvider with an in-memory reader: the meter to give a tracker, and what it collected. */
export function collectedMetrics() {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('feedback-test');

  async function points(): Promise<CollectedPoint[]> {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw new Error(`collection failed: ${errors.map(String).join('; ')}`);
    return resourceMetrics.scopeMetrics.flatMap((scope) =>
      scope.metrics.flatMap((metric) =>
        (metric.dataPoints as Array<{ attributes: Attributes; value: number | Histogram }>).map((point) => ({
          name: metric.descriptor.name,
          attributes: point.attributes,
          value: point.value,
        })),
      ),
    );
  }

  const matches = (point: CollectedPoint, name: string, attributes: Attributes) =>
    point.name === name && Object.entries(attributes).every(([key, value]) => point.attributes[key] === value);

  /** The value of the only point of `name` whose attributes include `attributes`; undefined when none. */
  async function value(name: string, attributes: Attributes = {}): Promise<number | undefined> {
    const found = (await points()).filter((point) => matches(point, name, attributes));
    if (found.length > 1) throw new Error(`${found.length} points of ${name} match ${JSON.stringify(attributes)}`);
    return found[0]?.value as number | undefined;
  }

  /** The histogram of `name` whose attributes include `attributes`. */
  async function histogram(name: string, attributes: Attributes = {}): Promise<Histogram | undefined> {
    return (await points()).find((point) => matches(point, name, attributes))?.value as Histogram | undefined;
  }

  return { meter, provider, reader, points, value, histogram };
}

let predictionCounter = 0;

/** A prediction record as `traced()` hands it to observers, with a fresh ID and trace ID. */
export function predictionRecord(overrides: Partial<PredictionRecord> = {}): PredictionRecord {
  predictionCounter++;
  return {
    model: { name: 'iris', version: '1.0.0' },
    predictionId: `p-${predictionCounter}`,
    traceId: predictionCounter.toString(16).padStart(32, '0'),
    spanId: undefined,
    status: 'ok',
    label: undefined,
    confidence: undefined,
    output: undefined,
    features: undefined,
    durationSeconds: 0.001,
    endTime: Date.now(),
    task: undefined,
    ...overrides,
  };
}
