import { diag, type Attributes } from '@opentelemetry/api';
import {
  DataPointType,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';

/**
 * Writes collected metrics in the Prometheus text format, line for line as the `PrometheusSerializer` of
 * `@opentelemetry/exporter-prometheus` does (same names, `_total` suffixes, `# HELP`/`# UNIT`/`# TYPE`
 * lines, `otel_scope_*` labels, `target_info`), at a fraction of its cost:
 *
 * - the label text of a data point (sanitised names, escaped values) is computed once per attribute set
 *   and reused: the SDK and the modelsight producers hand over the same attribute objects at each
 *   collection, and a histogram's bucket lines share it instead of escaping every label again per line;
 * - the text of a metric family whose series and values did not change since the last scrape (reference
 *   ratios, counters of idle models, runtime gauges that stand still) is reused as it is.
 *
 * One instance serves one endpoint; `serialize` is synchronous, so concurrent scrapes cannot interleave.
 */
export class PrometheusTextSerializer {
  private readonly families = new Map<string, FamilyText>();
  private readonly labelTexts = new WeakMap<Attributes, string>();
  private resourceAttributes: Attributes | undefined;
  private resourceText = '';
  /** Families rebuilt by the last `serialize` call (for tests and benchmarks). */
  rebuilt = 0;

  /**
   * @param onOverflow called, after a `serialize` that rebuilt families with a series labelled
   *   `otel.metric.overflow` (attribute sets folded beyond a cardinality limit), with their Prometheus names
   * @param scopeLabels whether every series carries the `otel_scope_*` labels of its instrumentation scope
   *   (`withoutScopeInfo: false` of the upstream exporter)
   */
  constructor(
    private readonly onOverflow: (metricNames: string[]) => void = () => {},
    private readonly scopeLabels = true,
  ) {}

  serialize(resourceMetrics: ResourceMetrics): string {
    this.rebuilt = 0;
    let body = '';
    const seen = new Set<string>();
    const overflowing: string[] = [];
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) {
        const text = this.family(metric, scopeMetrics, seen, overflowing);
        if (text) body += `${text}\n`;
      }
    }
    if (overflowing.length > 0) this.onOverflow(overflowing);
    // Families that are gone (an instrument no longer reported) are forgotten.
    if (seen.size !== this.families.size) {
      for (const key of this.families.keys()) if (!seen.has(key)) this.families.delete(key);
    }
    return this.resource(resourceMetrics.resource.attributes) + (body === '' ? '# no registered metrics' : body);
  }

  private resource(attributes: Attributes): string {
    if (attributes !== this.resourceAttributes) {
      this.resourceAttributes = attributes;
      const labels = labelText(attributes);
      this.resourceText = `# HELP target_info Target metadata\n# TYPE target_info gauge\ntarget_info${labels ? `{${labels}}` : ''} 1\n`;
    }
    return this.resourceText;
  }

  private family(metric: MetricData, scopeMetrics: ScopeMetrics, seen: Set<string>, overflowing: string[]): string {
    const { scope } = scopeMetrics;
    const key = `${scope.name}\u0000${scope.version ?? ''}\u0000${scope.schemaUrl ?? ''}\u0000${metric.descriptor.name}\u0000${metric.dataPointType}`;
    seen.add(key);
    let family = this.families.get(key);
    if (family === undefined || !family.describes(metric)) {
      family = new FamilyText(metric, scopeMetrics, this.scopeLabels);
      this.families.set(key, family);
    }
    if (family.unchanged(metric, this.labelTexts)) return family.text;
    this.rebuilt++;
    if (family.build(metric, this.labelTexts)) overflowing.push(family.name);
    return family.text;
  }
}

/** The cached text of one metric family and what it was built from. */
class FamilyText {
  readonly name: string;
  private readonly valid: boolean;
  private readonly header: string;
  /** `otel_scope_*` labels, appended to every series' own labels. */
  private readonly scopeLabels: string;
  private readonly description: string;
  private readonly unit: string;
  /** Per data point at the last build: its attributes' label text and its values. */
  private labels: string[] = [];
  private values: unknown[] = [];
  /** `le` label values of the last bucket bounds seen, and the bounds they were made from. */
  private bounds: readonly number[] | undefined;
  private leValues: string[] = [];
  text = '';

  constructor(metric: MetricData, { scope }: ScopeMetrics, withScopeLabels: boolean) {
    const { descriptor } = metric;
    this.description = descriptor.description;
    this.unit = descriptor.unit;
    const name = metricName(metric);
    // Left out of the text (as upstream does) when the name cannot be written.
    this.valid = name !== undefined;
    this.name = name ?? '';
    const help = `# HELP ${this.name} ${escapeString(descriptor.description || 'description missing')}`;
    const unit = descriptor.unit ? `\n# UNIT ${this.name} ${escapeString(descriptor.unit)}` : '';
    this.header = `${help}${unit}\n# TYPE ${this.name} ${prometheusType(metric)}\n`;
    const scopeAttributes: Attributes = { 'otel.scope.name': scope.name };
    if (scope.schemaUrl) scopeAttributes['otel.scope.schema_url'] = scope.schemaUrl;
    if (scope.version) scopeAttributes['otel.scope.version'] = scope.version;
    this.scopeLabels = withScopeLabels ? labelText(scopeAttributes) : '';
  }

  /** Whether this text was made for a metric with the same description and unit. */
  describes(metric: MetricData): boolean {
    return metric.descriptor.description === this.description && metric.descriptor.unit === this.unit;
  }

  /** Whether `metric` has the same series, in the same order, with the same values as at the last build. */
  unchanged(metric: MetricData, labelTexts: WeakMap<Attributes, string>): boolean {
    const points = metric.dataPoints as DataPoint<unknown>[];
    if (!this.valid) return true;
    if (this.text === '' || points.length !== this.labels.length) return false;
    const histogram = metric.dataPointType === DataPointType.HISTOGRAM;
    for (let i = 0; i < points.length; i++) {
      const point = points[i]!;
      // Same attribute object: the same string, compared by reference. A producer that makes new
      // objects each time pays for the label text, not for the whole family.
      if (labelsOf(point.attributes, labelTexts) !== this.labels[i]) return false;
      if (
        histogram
          ? !sameHistogram(point.value as Histogram, this.values[i] as Histogram)
          : !Object.is(point.value, this.values[i])
      ) {
        return false;
      }
    }
    return true;
  }

  /** Builds the text; returns whether a series is the overflow series of a cardinality limit. */
  build(metric: MetricData, labelTexts: WeakMap<Attributes, string>): boolean {
    const points = metric.dataPoints as DataPoint<unknown>[];
    const name = this.name;
    const scope = this.scopeLabels;
    let text = this.header;
    this.labels = new Array<string>(points.length);
    this.values = new Array<unknown>(points.length);
    let overflow = false;
    for (let i = 0; i < points.length; i++) {
      const point = points[i]!;
      const labels = labelsOf(point.attributes, labelTexts);
      if (point.attributes['otel.metric.overflow'] === true) overflow = true;
      this.labels[i] = labels;
      // Series labels first, then the scope's, as the upstream serializer orders them.
      const all = labels === '' ? scope : scope === '' ? labels : `${labels},${scope}`;
      switch (metric.dataPointType) {
        case DataPointType.SUM:
        case DataPointType.GAUGE:
          this.values[i] = point.value;
          text += sample(name, all, point.value as number);
          break;
        case DataPointType.HISTOGRAM: {
          const histogram = point.value as Histogram;
          this.values[i] = copyHistogram(histogram);
          text += this.histogramLines(histogram, all);
          break;
        }
        default:
          break;
      }
    }
    if (
      metric.dataPointType !== DataPointType.SUM &&
      metric.dataPointType !== DataPointType.GAUGE &&
      metric.dataPointType !== DataPointType.HISTOGRAM
    ) {
      // As upstream: only the family's header for a kind the text format cannot carry.
      diag.error(`Unrecognizable DataPointType: ${metric.dataPointType} for metric "${name}"`);
    }
    // Upstream trims each family, dropping its last newline (the caller adds one back).
    this.text = text.endsWith('\n') ? text.slice(0, -1) : text;
    return overflow;
  }

  private histogramLines(histogram: Histogram, labels: string): string {
    const name = this.name;
    let text = sample(`${name}_count`, labels, histogram.count);
    if (histogram.sum != null) text += sample(`${name}_sum`, labels, histogram.sum);
    const { boundaries, counts } = histogram.buckets;
    const le = this.leOf(boundaries);
    const prefix = `${name}_bucket{${labels === '' ? '' : `${labels},`}le="`;
    let cumulative = 0;
    let infiniteBoundary = false;
    for (let i = 0; i < counts.length; i++) {
      cumulative += counts[i]!;
      const bound = boundaries[i];
      if (bound === undefined && infiniteBoundary) break;
      if (bound === Infinity) infiniteBoundary = true;
      text += `${prefix}${le[i] ?? '+Inf'}"} ${valueString(cumulative)}\n`;
    }
    return text;
  }

  private leOf(boundaries: readonly number[]): string[] {
    if (boundaries !== this.bounds) {
      const same =
        this.bounds !== undefined &&
        this.bounds.length === boundaries.length &&
        this.bounds.every((b, i) => b === boundaries[i]);
      if (!same) this.leValues = boundaries.map((bound) => (bound === Infinity ? '+Inf' : String(bound)));
      this.bounds = boundaries;
    }
    return this.leValues;
  }
}

/** The label text of an attribute set, computed once per attribute object. */
function labelsOf(attributes: Attributes, labelTexts: WeakMap<Attributes, string>): string {
  let labels = labelTexts.get(attributes);
  if (labels === undefined) {
    labels = labelText(attributes);
    labelTexts.set(attributes, labels);
  }
  return labels;
}

function sample(name: string, labels: string, value: number): string {
  return labels === '' ? `${name} ${valueString(value)}\n` : `${name}{${labels}} ${valueString(value)}\n`;
}

function sameHistogram(a: Histogram, b: Histogram | undefined): boolean {
  if (b === undefined || a.count !== b.count || !Object.is(a.sum, b.sum)) return false;
  const x = a.buckets;
  const y = b.buckets;
  if (x.counts.length !== y.counts.length || x.boundaries.length !== y.boundaries.length) return false;
  for (let i = 0; i < x.counts.length; i++) if (x.counts[i] !== y.counts[i]) return false;
  for (let i = 0; i < x.boundaries.length; i++) if (x.boundaries[i] !== y.boundaries[i]) return false;
  return true;
}

/** A copy of what the text was made from: the SDK may reuse and update the arrays it hands over. */
function copyHistogram(h: Histogram): Histogram {
  return {
    count: h.count,
    sum: h.sum,
    buckets: { boundaries: h.buckets.boundaries.slice(), counts: h.buckets.counts.slice() },
  } as Histogram;
}

/** `a="x",b="y"` for `attributes`: names sanitised, values escaped, as the upstream serializer writes them. */
function labelText(attributes: Attributes): string {
  let text = '';
  for (const key in attributes) {
    if (!Object.hasOwn(attributes, key)) continue;
    text += `${text === '' ? '' : ','}${sanitizeName(key)}="${escapeLabelValue(attributes[key])}"`;
  }
  return text;
}

/** The Prometheus name of a metric, or `undefined` when its name cannot become one. */
function metricName(metric: MetricData): string | undefined {
  let name = sanitizeName(escapeString(metric.descriptor.name));
  if (name === '' || name === '_') {
    diag.error(
      `Normalization for metric "${metric.descriptor.name}" resulted in ${name === '' ? 'empty name' : 'an invalid name: "_"'}`,
    );
    return undefined;
  }
  if (name[0]! >= '0' && name[0]! <= '9') {
    name = `_${name}`;
  }
  if (metric.dataPointType === DataPointType.SUM && metric.isMonotonic && !name.endsWith('_total')) name += '_total';
  return name;
}

function prometheusType(metric: MetricData): string {
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      return metric.isMonotonic ? 'counter' : 'gauge';
    case DataPointType.GAUGE:
      return 'gauge';
    case DataPointType.HISTOGRAM:
      return 'histogram';
    default:
      return 'untyped';
  }
}

const INVALID_CHARACTERS = /[^a-z0-9_]/gi;
const REPEATED_UNDERSCORES = /_{2,}/g;

/** Characters OpenTelemetry allows in names and Prometheus does not become `_`, runs of `_` one `_`. */
function sanitizeName(name: string): string {
  return name.replace(INVALID_CHARACTERS, '_').replace(REPEATED_UNDERSCORES, '_');
}

function escapeString(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Strings as they are, anything else as JSON (`true`, `1.5`, `["a"]`), `undefined` as the empty string. */
function escapeLabelValue(value: unknown): string {
  const text = value === undefined ? '' : typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return escapeString(text).replace(/"/g, '\\"');
}

function valueString(value: number): string {
  return value === Infinity ? '+Inf' : value === -Infinity ? '-Inf' : `${value}`;
}
