import { ModelStats } from './model-stats';
import type { ModelIdentity } from './types';

/**
 * Holds the running totals of every wrapped model in the process. The default registry lives on
 * `globalThis` under a registered symbol, so that the CommonJS build loaded by the preload and the
 * ESM build imported by the app (two module instances) still share one set of totals.
 */
export class PredictionMetricsRegistry {
  private readonly byModel = new Map<string, ModelStats>();

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
