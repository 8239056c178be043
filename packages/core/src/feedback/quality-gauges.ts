import type { BatchObservableResult } from '@opentelemetry/api';
import type { FeedbackInstruments } from './feedback-instruments';
import type { ModelRegistry } from './model-registry';
import type { PredictionStore } from './prediction-store';

/**
 * Reports the windowed gauges of every model version when metrics are collected (never on the
 * prediction path): quality from matched feedback, the estimated accuracy, and the store's
 * pending and dropped predictions. Expires what is due in the tracker's own store first, so that
 * the pending count is current.
 */
export function observeQuality(
  result: BatchObservableResult,
  registry: ModelRegistry,
  i: FeedbackInstruments,
  local: PredictionStore | undefined,
): void {
  local?.sweep(Date.now());
  for (const quality of registry.values()) {
    if (local !== undefined) {
      result.observe(i.pending, quality.pending, quality.attributes);
      result.observe(i.dropped, quality.drops.evicted, quality.dropAttributes.evicted);
      result.observe(i.dropped, quality.drops.expired, quality.dropAttributes.expired);
    } else {
      // A shared store expires and evicts by itself; what a replica knows is what it could not store.
      result.observe(i.dropped, quality.drops.unavailable, quality.dropAttributes.unavailable);
      // Only once they happen: most stores never see either, and a series that stays 0 costs every scrape.
      if (quality.drops.unknown > 0) result.observe(i.dropped, quality.drops.unknown, quality.dropAttributes.unknown);
      if (quality.drops.lost > 0) result.observe(i.dropped, quality.drops.lost, quality.dropAttributes.lost);
    }
    const confidences = quality.confidences;
    if (confidences && confidences.count > 0)
      result.observe(i.estimatedAccuracy, confidences.mean(), quality.attributes);
    if (quality.hasClassification) {
      const summary = quality.classification.summary();
      if (summary) {
        result.observe(i.accuracy, summary.accuracy, quality.attributes);
        for (const scores of summary.classes) {
          const attributes = quality.labelAttributesOf(scores.label);
          result.observe(i.precision, scores.precision, attributes);
          result.observe(i.recall, scores.recall, attributes);
          result.observe(i.f1, scores.f1, attributes);
        }
        result.observe(i.precision, summary.macro.precision, quality.macroAttributes);
        result.observe(i.recall, summary.macro.recall, quality.macroAttributes);
        result.observe(i.f1, summary.macro.f1, quality.macroAttributes);
      }
    }
    if (quality.hasRegression && quality.regression.count > 0) {
      const { mae, rmse } = quality.regression.errorSummary();
      result.observe(i.mae, mae, quality.attributes);
      result.observe(i.rmse, rmse, quality.attributes);
    }
  }
}
