import { ValueType, type Attributes, type HrTime, type MeterProvider } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type GaugeMetricData,
  type MetricData,
  type MetricProducer,
  type ResourceMetrics,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';
import { cpus } from 'node:os';
import {
  constants,
  monitorEventLoopDelay,
  performance,
  PerformanceObserver,
  type IntervalHistogram,
} from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

/**
 * The runtime metrics of `@opentelemetry/instrumentation-runtime-node` and the process group of
 * `@opentelemetry/instrumentation-host-metrics`, under their names, units, types, attributes and scopes,
 * read from the same sources but handed to the readers as a `MetricProducer`. Through the SDK's observable
 * instruments each collection runs the callbacks, hashes every attribute set and updates the aggregation
 * maps; here the attribute objects and descriptors are built once and a collection allocates the data
 * points only. The GC duration histogram stays an instrument of the SDK (recorded on each GC, not at
 * collection), so that each reader aggregates it as it aggregates every histogram.
 */
export type RuntimeMetricGroup = 'runtime-node' | 'host-metrics';

const RUNTIME_SCOPE = {
  name: '@opentelemetry/instrumentation-runtime-node',
  version: (require('@opentelemetry/instrumentation-runtime-node/package.json') as { version: string }).version,
};
const HOST_SCOPE = {
  name: '@opentelemetry/instrumentation-host-metrics',
  version: (require('@opentelemetry/instrumentation-host-metrics/package.json') as { version: string }).version,
};

const GC_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const NO_ATTRIBUTES: Attributes = Object.freeze({});
const ACTIVE: Attributes = Object.freeze({ 'nodejs.eventloop.state': 'active' });
const IDLE: Attributes = Object.freeze({ 'nodejs.eventloop.state': 'idle' });
const USER: Attributes = Object.freeze({ 'cpu.mode': 'user' });
const SYSTEM: Attributes = Object.freeze({ 'cpu.mode': 'system' });

type Descriptor = MetricData['descriptor'];
const descriptor = (name: string, description: string, unit: string): Descriptor =>
  Object.freeze({ name, description, unit, valueType: ValueType.DOUBLE });

const D = {
  utilization: descriptor('nodejs.eventloop.utilization', 'Event loop utilization', '1'),
  time: descriptor('nodejs.eventloop.time', 'Cumulative duration of time the event loop has been in each state.', 's'),
  delay: [
    descriptor('nodejs.eventloop.delay.min', 'Event loop minimum delay.', 's'),
    descriptor('nodejs.eventloop.delay.max', 'Event loop maximum delay.', 's'),
    descriptor('nodejs.eventloop.delay.mean', 'Event loop mean delay.', 's'),
    descriptor('nodejs.eventloop.delay.stddev', 'Event loop standard deviation delay.', 's'),
    descriptor('nodejs.eventloop.delay.p50', 'Event loop 50 percentile delay.', 's'),
    descriptor('nodejs.eventloop.delay.p90', 'Event loop 90 percentile delay.', 's'),
    descriptor('nodejs.eventloop.delay.p99', 'Event loop 99 percentile delay.', 's'),
  ],
  heapSpaceSize: descriptor(
    'v8js.memory.heap.space.size',
    'Total heap memory size pre-allocated for a heap space.',
    'By',
  ),
  heapUsed: descriptor('v8js.memory.heap.used', 'Heap Memory size allocated.', 'By'),
  heapAvailable: descriptor('v8js.memory.heap.space.available_size', 'Heap space available size.', 'By'),
  heapPhysical: descriptor('v8js.memory.heap.space.physical_size', 'Committed size of a heap space.', 'By'),
  resources: descriptor(
    'v8js.resource.active',
    'Count of the active resources that are currently keeping the event loop alive.',
    '{resource}',
  ),
  cpuTime: descriptor('process.cpu.time', 'Process Cpu time in seconds', 's'),
  cpuUtilization: descriptor('process.cpu.utilization', 'Process Cpu usage time 0-1', ''),
  memory: descriptor('process.memory.usage', 'Process Memory usage in bytes', ''),
} as const;

const CUMULATIVE = AggregationTemporality.CUMULATIVE;

/** The runtime metrics of one process, for every reader of the preload. */
export class RuntimeMetricProducer implements MetricProducer {
  private runtime = false;
  private host = false;
  private readonly startTime = hrTime(Date.now());
  private delayHistogram: IntervalHistogram | undefined;
  /** The delay gauges keep their last values between collections without 5 samples, as the SDK keeps them. */
  private delays: number[] | undefined;
  private gcObserver: PerformanceObserver | undefined;
  private lastElu = performance.eventLoopUtilization();
  private readonly heapAttributes = new Map<string, Attributes>();
  private readonly resourceAttributes = new Map<string, Attributes>();
  private readonly resourceCounts = new Map<string, number>();
  private readonly cpuCount = cpus().length;
  private lastCpu = { time: Date.now(), usage: process.cpuUsage() };

  /**
   * Starts the `groups` that are enabled: the event-loop delay histogram and the GC observer of
   * `runtime-node` (the GC histogram on `meterProvider`, in the scope of instrumentation-runtime-node).
   */
  start(groups: readonly RuntimeMetricGroup[], meterProvider: MeterProvider): void {
    if (groups.includes('runtime-node') && !this.runtime) {
      this.runtime = true;
      this.delayHistogram = monitorEventLoopDelay({ resolution: 10 });
      this.delayHistogram.enable();
      this.gcObserver = gcObserver(meterProvider);
    }
    if (groups.includes('host-metrics')) this.host = true;
  }

  /** Stops the histogram and the GC observer; collections report nothing more. */
  stop(): void {
    this.runtime = false;
    this.host = false;
    this.delayHistogram?.disable();
    this.gcObserver?.disconnect();
  }

  async collect(): Promise<CollectionResult> {
    const endTime = hrTime(Date.now());
    const scopeMetrics = [];
    if (this.runtime) scopeMetrics.push({ scope: RUNTIME_SCOPE, metrics: this.runtimeMetrics(endTime) });
    if (this.host) scopeMetrics.push({ scope: HOST_SCOPE, metrics: this.hostMetrics(endTime) });
    // A MetricReader keeps the SDK's own resource and takes only the scope metrics of producers.
    return { resourceMetrics: { resource: undefined, scopeMetrics } as unknown as ResourceMetrics, errors: [] };
  }

  private runtimeMetrics(endTime: HrTime): MetricData[] {
    const startTime = this.startTime;
    const gauge = (d: Descriptor, value: number, attributes = NO_ATTRIBUTES): GaugeMetricData => ({
      descriptor: d,
      aggregationTemporality: CUMULATIVE,
      dataPointType: DataPointType.GAUGE,
      dataPoints: [{ attributes, startTime, endTime, value }],
    });
    const metrics: MetricData[] = [];

    const elu = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(elu, this.lastElu);
    this.lastElu = elu;
    metrics.push(gauge(D.utilization, delta.utilization));
    metrics.push({
      descriptor: D.time,
      aggregationTemporality: CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: [
        { attributes: ACTIVE, startTime, endTime, value: elu.active / 1000 },
        { attributes: IDLE, startTime, endTime, value: elu.idle / 1000 },
      ],
    });

    const histogram = this.delayHistogram!;
    if (histogram.count >= 5) {
      this.delays = [
        histogram.min,
        histogram.max,
        histogram.mean,
        histogram.stddev,
        histogram.percentile(50),
        histogram.percentile(90),
        histogram.percentile(99),
      ].map((ns) => (Number.isNaN(ns) ? 0 : ns / 1e9));
      histogram.reset();
    }
    if (this.delays) for (let i = 0; i < D.delay.length; i++) metrics.push(gauge(D.delay[i]!, this.delays[i]!));

    const size: SumMetricData = {
      descriptor: D.heapSpaceSize,
      aggregationTemporality: CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: false,
      dataPoints: [],
    };
    const used = gaugeOf(D.heapUsed);
    const available = gaugeOf(D.heapAvailable);
    const physical = gaugeOf(D.heapPhysical);
    for (const space of getHeapSpaceStatistics()) {
      const attributes = cached(this.heapAttributes, space.space_name, 'v8js.heap.space.name');
      size.dataPoints.push({ attributes, startTime, endTime, value: space.space_size });
      used.dataPoints.push({ attributes, startTime, endTime, value: space.space_used_size });
      available.dataPoints.push({ attributes, startTime, endTime, value: space.space_available_size });
      physical.dataPoints.push({ attributes, startTime, endTime, value: space.physical_space_size });
    }
    metrics.push(size, used, available, physical);

    // Every type seen once keeps a series, at 0 when none is active, as the instrumentation reports them.
    const counts = this.resourceCounts;
    for (const type of counts.keys()) counts.set(type, 0);
    for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
    const resources = gaugeOf(D.resources);
    for (const [type, value] of counts) {
      const attributes = cached(this.resourceAttributes, type, 'v8js.resource.type');
      resources.dataPoints.push({ attributes, startTime, endTime, value });
    }
    if (resources.dataPoints.length > 0) metrics.push(resources);
    return metrics;

    function gaugeOf(d: Descriptor): GaugeMetricData {
      return { descriptor: d, aggregationTemporality: CUMULATIVE, dataPointType: DataPointType.GAUGE, dataPoints: [] };
    }
  }

  private hostMetrics(endTime: HrTime): MetricData[] {
    const startTime = this.startTime;
    const now = Date.now();
    const usage = process.cpuUsage();
    const previous = this.lastCpu;
    // As instrumentation-host-metrics: the share of all CPUs' time since the collection before.
    const elapsedUs = (now - previous.time) * 1000 * this.cpuCount;
    this.lastCpu = { time: now, usage };
    return [
      {
        descriptor: D.cpuTime,
        aggregationTemporality: CUMULATIVE,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints: [
          { attributes: USER, startTime, endTime, value: usage.user / 1e6 },
          { attributes: SYSTEM, startTime, endTime, value: usage.system / 1e6 },
        ],
      },
      {
        descriptor: D.cpuUtilization,
        aggregationTemporality: CUMULATIVE,
        dataPointType: DataPointType.GAUGE,
        dataPoints: [
          { attributes: USER, startTime, endTime, value: (usage.user - previous.usage.user) / elapsedUs },
          { attributes: SYSTEM, startTime, endTime, value: (usage.system - previous.usage.system) / elapsedUs },
        ],
      },
      {
        descriptor: D.memory,
        aggregationTemporality: CUMULATIVE,
        dataPointType: DataPointType.GAUGE,
        dataPoints: [{ attributes: NO_ATTRIBUTES, startTime, endTime, value: process.memoryUsage.rss() }],
      },
    ];
  }
}

/** `v8js.gc.duration` by kind, on the meter of instrumentation-runtime-node's scope. */
function gcObserver(meterProvider: MeterProvider): PerformanceObserver {
  const histogram = meterProvider
    .getMeter(RUNTIME_SCOPE.name, RUNTIME_SCOPE.version)
    .createHistogram('v8js.gc.duration', {
      description: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
      unit: 's',
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: GC_BUCKETS },
    });
  const kinds: Attributes[] = [];
  kinds[constants.NODE_PERFORMANCE_GC_MAJOR] = Object.freeze({ 'v8js.gc.type': 'major' });
  kinds[constants.NODE_PERFORMANCE_GC_MINOR] = Object.freeze({ 'v8js.gc.type': 'minor' });
  kinds[constants.NODE_PERFORMANCE_GC_INCREMENTAL] = Object.freeze({ 'v8js.gc.type': 'incremental' });
  kinds[constants.NODE_PERFORMANCE_GC_WEAKCB] = Object.freeze({ 'v8js.gc.type': 'weakcb' });
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      histogram.record(entry.duration / 1000, (kind !== undefined && kinds[kind]) || { 'v8js.gc.type': undefined });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return observer;
}

function cached(map: Map<string, Attributes>, value: string, key: string): Attributes {
  let attributes = map.get(value);
  if (attributes === undefined) {
    attributes = Object.freeze({ [key]: value });
    map.set(value, attributes);
  }
  return attributes;
}

function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}
