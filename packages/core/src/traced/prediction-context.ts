import { context, createContextKey, type Context } from '@opentelemetry/api';
import type { PredictionInfo } from '../types';

const PREDICTION_KEY = createContextKey('@modelsight/core.prediction');

/** The context in which a wrapped function runs: it carries the prediction beside the span. */
export function contextWithPrediction(parent: Context, prediction: PredictionInfo): Context {
  return parent.setValue(PREDICTION_KEY, prediction);
}

/**
 * The prediction being made in the given context (default: the active one), or `undefined`
 * outside a wrapped call. Loggers use it to tag log lines with the model and prediction.
 */
export function getActivePrediction(ctx: Context = context.active()): PredictionInfo | undefined {
  return ctx.getValue(PREDICTION_KEY) as PredictionInfo | undefined;
}
