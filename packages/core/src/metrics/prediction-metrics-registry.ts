import { ReportOnce } from '../errors/report-once';
import type { HrTime } from '@opentelemetry/api';
import { ExponentialHistogram } from './exponential-histogram';
import { ModelStats } from './model-stats';
import { ENV_CARDINALITY_LIMIT } from '@modelsight/internal';
import {
  resolvePredictionMetricsOptions,
  type PredictionMetricsOptions,
  type ResolvedPredictionMetricsOptions,
} from './prediction-metrics-options';
import type { ModelIdentity } from '../types';

const PRODUCER_CHECK_DELAY_MS = 10_000;

/**
 * Metrics kept beside the prediction totals by other parts of core (the model-versions metrics), handed
 * to the SDK by the same producer at collection time. Their series are few and fixed when the source is
 * built (versions and reasons), so they need no cardinality limit of their own.
 */
export interface RegistryMetricSource {
  /**
   * The metrics as they are now, as the SDK's `MetricData` (typed `object` here so that these
   * declarations name no SDK package); called at every collection.
   */
  collect(endTime: HrTime): readonly object[];
}

/**
 * Holds the running totals of every wrapped model in the process. The default registry lives on
 * `globalThis` under a registered symbol, so that the CommonJS build loaded by the preload and the
 * ESM build imported by the app (two module instances) still share one set of totals.
 *
 * Memory and series are bounded by the cardinality limit: the first `cardinalityLimit − 1` model
 * versions get totals of their own, every later one shares the overflow totals (exported with the
 * single attribute `otel.metric.overflow: true`).
 */
export class PredictionMetricsRegistry {
  private readonly byModel = new Map<string, ModelStats>();
  private options: ResolvedPredictionMetricsOptions;
  private overflowStats: ModelStats | undefined;
  private firstFolded: ModelIdentity | undefined;
  private exponentialDurations = false;
  private readonly overflowReported = new Set<string>();
  private readonly reporter = new ReportOnce();
  private producers = 0;
  private checkScheduled = false;
  private readonly extraSources = new Set<RegistryMetricSource>();

  /** @throws TypeError naming the option when one is invalid (a bad environment variable is warned about and ignored) */
  constructor(options: PredictionMetricsOptions = {}) {
    this.options = resolvePredictionMetricsOptions(options);
  }

  /** The options in effect. */
  get settings(): ResolvedPredictionMetricsOptions {
    return this.options;
  }

  /**
   * Changes the options, before any model is wrapped: the preload `@modelsight/node` applies its
   * own options to the process-wide registry this way. Once totals exist, bucket bounds and limit stay
   * as they are (series must not change shape while they are scraped) and a `diag` warning says so.
   * @throws TypeError naming the option when one is invalid
   */
  configure(options: PredictionMetricsOptions): void {
    const resolved = resolvePredictionMetricsOptions(options, {});
    const given = givenOptions(options, resolved);
    if (this.byModel.size > 0 || this.overflowStats) {
      const current = this.options;
      const same =
        (given.cardinalityLimit === undefined || given.cardinalityLimit === current.cardinalityLimit) &&
        (given.durationBuckets === undefined ||
          (given.durationBuckets.length === current.durationBuckets.length &&
            given.durationBuckets.every((bound, i) => bound === current.durationBuckets[i])));
      if (!same) {
        this.reporter.report(
          'late-options',
          'prediction metric options given after the first model was wrapped are ignored; ' +
            'start the preload (or call start()) before wrapping models',
        );
      }
      return;
    }
    this.options = { ...this.options, ...given };
  }

  /** Called by each producer created for this registry; `exponentialDurations` when it exports them. */
  attachProducer(features: { exponentialDurations?: boolean } = {}): void {
    this.producers++;
    if (features.exponentialDurations && !this.exponentialDurations) {
      this.exponentialDurations = true;
      for (const stats of this.models()) stats.durationExponential ??= new ExponentialHistogram();
    }
  }

  /**
   * Warns once through `diag` if, some time after the first wrapper was built, no producer exports
   * these totals: the prediction metrics would otherwise be counted and never seen.
   */
  expectProducer(afterMs = PRODUCER_CHECK_DELAY_MS): void {
    if (this.checkScheduled) return;
    this.checkScheduled = true;
    const timer = setTimeout(() => {
      if (this.producers === 0) {
        this.reporter.report(
          'no-producer',
          'prediction metrics are counted but no MetricReader exports them; preload @modelsight/node/register, ' +
            'or pass predictionMetricProducer() in the metricProducers of your reader',
        );
      }
    }, afterMs);
    timer.unref?.();
  }

  /**
   * The totals of one model version, created on first use; the shared overflow totals for the
   * versions beyond the cardinality limit.
   */
  forModel(model: ModelIdentity): ModelStats {
    // JSON keeps names containing any separator apart.
    const key = JSON.stringify([model.name, model.version]);
    let stats = this.byModel.get(key);
    if (stats) return stats;
    if (this.byModel.size >= this.options.cardinalityLimit - 1) {
      this.firstFolded ??= { name: model.name, version: model.version };
      this.overflowStats ??= this.newStats(undefined);
      return this.overflowStats;
    }
    stats = this.newStats({ name: model.name, version: model.version });
    this.byModel.set(key, stats);
    return stats;
  }

  /** Adds metrics that the producer exports with the prediction metrics; returns the function that removes them. */
  addSource(source: RegistryMetricSource): () => void {
    this.extraSources.add(source);
    return () => {
      this.extraSources.delete(source);
    };
  }

  /** The sources added with {@link addSource}. */
  sources(): IterableIterator<RegistryMetricSource> {
    return this.extraSources.values();
  }

  /** Every model version with totals of its own, in the order they were first wrapped, then the overflow totals. */
  *models(): IterableIterator<ModelStats> {
    yield* this.byModel.values();
    if (this.overflowStats) yield this.overflowStats;
  }

  /** The first model version counted in the overflow totals, for the warning that names it. */
  get firstModelBeyondLimit(): ModelIdentity | undefined {
    return this.firstFolded;
  }

  /**
   * Warns through `diag`, once per metric, that `metrics` reached the cardinality limit; one
   * warning names every metric that reached it in the same collection.
   */
  reportOverflow(metrics: readonly string[], firstFolded: ModelIdentity | undefined): void {
    const fresh = metrics.filter((name) => !this.overflowReported.has(name));
    if (fresh.length === 0) return;
    for (const name of fresh) this.overflowReported.add(name);
    const from = firstFolded ? `, from ${firstFolded.name} ${firstFolded.version} on,` : '';
    this.reporter.report(
      `overflow:${fresh.join()}`,
      `${fresh.join(', ')} reached the limit of ${this.options.cardinalityLimit} series per metric ` +
        `(${ENV_CARDINALITY_LIMIT}): the series beyond it${from} are counted together in one series labelled ` +
        'otel_metric_overflow="true". Look for a model name or version that changes with every wrapper, or raise the limit.',
    );
  }

  private newStats(model: ModelIdentity | undefined): ModelStats {
    const stats = new ModelStats(model, this.options.durationBuckets);
    if (this.exponentialDurations) stats.durationExponential = new ExponentialHistogram();
    return stats;
  }
}

/** The options that were given, resolved. */
function givenOptions(
  options: PredictionMetricsOptions,
  resolved: ResolvedPredictionMetricsOptions,
): Partial<ResolvedPredictionMetricsOptions> {
  return {
    ...(options.durationBuckets !== undefined ? { durationBuckets: resolved.durationBuckets } : {}),
    ...(options.cardinalityLimit !== undefined ? { cardinalityLimit: resolved.cardinalityLimit } : {}),
  };
}

const GLOBAL_KEY = Symbol.for('@modelsight/core.prediction-metrics-registry.v2');

/**
 * The process-wide registry that `traced()` uses unless given another, and that
 * {@link predictionMetricProducer} exports by default. Its options come from the environment
 * (`MODELSIGHT_PREDICTION_DURATION_BUCKETS`, `MODELSIGHT_METRIC_CARDINALITY_LIMIT`) or from the preload.
 */
export function getPredictionMetricsRegistry(): PredictionMetricsRegistry {
  const holder = globalThis as { [GLOBAL_KEY]?: PredictionMetricsRegistry };
  let registry = holder[GLOBAL_KEY];
  if (!registry) {
    registry = new PredictionMetricsRegistry();
    holder[GLOBAL_KEY] = registry;
  }
  return registry;
}
