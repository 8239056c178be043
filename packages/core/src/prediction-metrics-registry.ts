import { diag } from '@opentelemetry/api';
import { ModelStats } from './model-stats';

const PRODUCER_CHECK_DELAY_MS = 10_000;
import type { ModelIdentity } from './types';

/**
 * Holds the running totals of every wrapped model in the process. The default registry lives on
 * `globalThis` under a registered symbol, so that the CommonJS build loaded by the preload and the
 * ESM build imported by the app (two module instances) still share one set of totals.
 */
export class PredictionMetricsRegistry {
  private readonly byModel = new Map<string, ModelStats>();
  private producers = 0;
  private checkScheduled = false;

  /** Called by each producer created for this registry. */
  attachProducer(): void {
    this.producers++;
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
        diag.warn(
          'modelsight: prediction metrics are counted but no MetricReader exports them; preload @modelsight/node/register, ' +
            'or pass predictionMetricProducer() in the metricProducers of your reader',
        );
      }
    }, afterMs);
    timer.unref?.();
  }

  /** The totals of one model version, created on first use. */
  forModel(model: ModelIdentity): ModelStats {
    // JSON keeps names containing any separator apart.
    const key = JSON.stringify([model.name, model.version]);
    let stats = this.byModel.get(key);
    if (!stats) {
      stats = new ModelStats({ name: model.name, version: model.version });
      this.byModel.set(key, stats);
    }
    return stats;
  }

  /** Every model version seen so far. */
  models(): Iterable<ModelStats> {
    return this.byModel.values();
  }
}

const GLOBAL_KEY = Symbol.for('@modelsight/core.prediction-metrics-registry.v1');

/**
 * The process-wide registry that `traced()` uses unless given another, and that
 * {@link predictionMetricProducer} exports by default.
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
