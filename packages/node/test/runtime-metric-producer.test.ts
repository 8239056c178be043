import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  MetricReader,
  type MetricProducer,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { afterAll, expect, it } from 'vitest';
import { NODE_INSTRUMENTATIONS, type InstrumentationContext } from '../src/instrumentations/instrumentations';
import { RuntimeMetricProducer } from '../src/metrics/runtime-metric-producer';

/** A pull reader kept in memory: collect() is what a scrape or an export would read. */
class MemoryReader extends MetricReader {
  constructor(metricProducers: MetricProducer[] = []) {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE, metricProducers });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** What users and dashboards depend on, per metric: scope, name, type, unit, description and attribute keys. */
function shape(resourceMetrics: ResourceMetrics): string[] {
  const lines: string[] = [];
  for (const { scope, metrics } of resourceMetrics.scopeMetrics) {
    for (const metric of metrics) {
      const keys = new Set(metric.dataPoints.map((point) => Object.keys(point.attributes).sort().join(',')));
      lines.push(
        [
          `${scope.name}@${scope.version}`,
          metric.descriptor.name,
          DataPointType[metric.dataPointType],
          'isMonotonic' in metric ? `monotonic=${metric.isMonotonic}` : '',
          `unit=${metric.descriptor.unit}`,
          metric.descriptor.description,
          `attributes=${[...keys].sort().join('|')}`,
        ].join(' '),
      );
    }
  }
  return lines.sort();
}

/** Attribute sets (keys and values) of a metric, e.g. the heap spaces or the CPU modes. */
function attributeSets(resourceMetrics: ResourceMetrics, name: string): string[] {
  const metric = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []).map((point) => JSON.stringify(point.attributes)).sort();
}

const upstreamReader = new MemoryReader();
const upstreamProvider = new MeterProvider({ readers: [upstreamReader] });
// The runtime entries build their instrumentations from no part of the context.
const upstream = ['runtime-node', 'host-metrics'].flatMap((name) =>
  [NODE_INSTRUMENTATIONS[name]!.create({} as InstrumentationContext)].flat(),
);
for (const instrumentation of upstream) {
  instrumentation.setMeterProvider(upstreamProvider);
  instrumentation.enable();
}
const producer = new RuntimeMetricProducer();
const ownReader = new MemoryReader([producer]);
const ownProvider = new MeterProvider({ readers: [ownReader] });
producer.start(['runtime-node', 'host-metrics'], ownProvider);

afterAll(async () => {
  for (const instrumentation of upstream) instrumentation.disable();
  producer.stop();
  await Promise.all([upstreamProvider.shutdown(), ownProvider.shutdown()]);
});

it('reports the families, types, units, descriptions, scopes and attribute keys of the upstream instrumentations', async () => {
  // The event-loop delay needs 5 samples (10 ms apart) and the GC histogram a collection of garbage.
  let upstreamMetrics: ResourceMetrics | undefined;
  let ownMetrics: ResourceMetrics | undefined;
  const complete = (metrics: ResourceMetrics | undefined) =>
    metrics !== undefined &&
    shape(metrics).some((line) => line.includes(' nodejs.eventloop.delay.p99 ')) &&
    shape(metrics).some((line) => line.includes(' v8js.gc.duration '));
  const deadline = Date.now() + 10_000;
  while (!(complete(upstreamMetrics) && complete(ownMetrics)) && Date.now() < deadline) {
    let garbage: unknown[] = [];
    for (let i = 0; i < 200_000; i++) garbage.push({ i });
    garbage = [];
    await new Promise((resolve) => setTimeout(resolve, 20));
    upstreamMetrics = (await upstreamReader.collect()).resourceMetrics;
    ownMetrics = (await ownReader.collect()).resourceMetrics;
  }
  const expected = shape(upstreamMetrics!);
  // The families of both instrumentations are there: the comparison below is not between two empty lists.
  expect(expected.map((line) => line.split(' ')[1])).toEqual(
    expect.arrayContaining([
      'nodejs.eventloop.utilization',
      'nodejs.eventloop.time',
      'nodejs.eventloop.delay.p99',
      'v8js.gc.duration',
      'v8js.memory.heap.space.size',
      'v8js.resource.active',
      'process.cpu.time',
      'process.cpu.utilization',
      'process.memory.usage',
    ]),
  );
  expect(shape(ownMetrics!)).toEqual(expected);
});

it('reports the same attribute sets as the upstream instrumentations', async () => {
  const upstreamMetrics = (await upstreamReader.collect()).resourceMetrics;
  const ownMetrics = (await ownReader.collect()).resourceMetrics;
  for (const name of [
    'nodejs.eventloop.time',
    'v8js.memory.heap.space.size',
    'v8js.memory.heap.used',
    'v8js.memory.heap.space.available_size',
    'v8js.memory.heap.space.physical_size',
    'process.cpu.time',
    'process.cpu.utilization',
    'process.memory.usage',
  ]) {
    expect(attributeSets(ownMetrics, name), name).toEqual(attributeSets(upstreamMetrics, name));
  }
  // Active resources and GC kinds depend on what ran; every type reported upstream is one of ours.
  for (const name of ['v8js.resource.active']) {
    const ours = attributeSets(ownMetrics, name);
    for (const set of attributeSets(upstreamMetrics, name)) expect(ours, name).toContain(set);
  }
});

it('reports only the groups started, and nothing once stopped', async () => {
  const provider = new MeterProvider();
  const hostOnly = new RuntimeMetricProducer();
  expect((await hostOnly.collect()).resourceMetrics.scopeMetrics).toEqual([]);
  hostOnly.start(['host-metrics'], provider);
  const scopes = (await hostOnly.collect()).resourceMetrics.scopeMetrics.map(({ scope }) => scope.name);
  expect(scopes).toEqual(['@opentelemetry/instrumentation-host-metrics']);
  hostOnly.stop();
  expect((await hostOnly.collect()).resourceMetrics.scopeMetrics).toEqual([]);
});
