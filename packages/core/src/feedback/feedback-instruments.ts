import type { Counter, Histogram, Meter, Observable, ObservableCounter, ObservableGauge } from '@opentelemetry/api';
import {
  METRIC_ML_FEEDBACK,
  METRIC_ML_FEEDBACK_PENDING,
  METRIC_ML_FEEDBACK_PENDING_DROPPED,
  METRIC_ML_MODEL_ACCURACY,
  METRIC_ML_MODEL_ESTIMATED_ACCURACY,
  METRIC_ML_MODEL_F1,
  METRIC_ML_MODEL_MAE,
  METRIC_ML_MODEL_PRECISION,
  METRIC_ML_MODEL_RECALL,
  METRIC_ML_MODEL_RMSE,
  METRIC_ML_OUTCOME,
  METRIC_ML_OUTCOME_REJECTED,
  METRIC_ML_OUTCOME_VALUE,
  METRIC_ML_PREDICTION_ERROR_ABSOLUTE,
} from './feedback-semconv';

/** The instruments of the feedback and model-quality metrics. */
export interface FeedbackInstruments {
  readonly feedback: Counter;
  readonly absoluteError: Histogram;
  readonly outcome: Counter;
  readonly outcomeValue: Histogram;
  readonly outcomeRejected: Counter;
  readonly accuracy: ObservableGauge;
  readonly precision: ObservableGauge;
  readonly recall: ObservableGauge;
  readonly f1: ObservableGauge;
  readonly mae: ObservableGauge;
  readonly rmse: ObservableGauge;
  readonly estimatedAccuracy: ObservableGauge;
  readonly pending: ObservableGauge;
  readonly dropped: ObservableCounter;
  /** The observable ones, for one batch callback. */
  readonly observables: Observable[];
}

/**
 * Feedback is not on the hot path (one call per label that comes back), so `ml_feedback_total`
 * and `ml_prediction_error_absolute` are recorded directly. The gauges are computed from the
 * windows only when metrics are collected. No unit is set: the exporter would add it to the name.
 */
export function createFeedbackInstruments(meter: Meter, errorBuckets: readonly number[]): FeedbackInstruments {
  const window = 'over the window of the most recent matched feedback';
  const accuracy = meter.createObservableGauge(METRIC_ML_MODEL_ACCURACY, {
    description: `Share of correct predictions ${window}`,
  });
  const precision = meter.createObservableGauge(METRIC_ML_MODEL_PRECISION, {
    description: `Precision per class (ml_prediction_label) and macro-averaged, ${window}`,
  });
  const recall = meter.createObservableGauge(METRIC_ML_MODEL_RECALL, {
    description: `Recall per class (ml_prediction_label) and macro-averaged, ${window}`,
  });
  const f1 = meter.createObservableGauge(METRIC_ML_MODEL_F1, {
    description: `F1 score per class (ml_prediction_label) and macro-averaged, ${window}`,
  });
  const mae = meter.createObservableGauge(METRIC_ML_MODEL_MAE, { description: `Mean absolute error ${window}` });
  const rmse = meter.createObservableGauge(METRIC_ML_MODEL_RMSE, { description: `Root mean squared error ${window}` });
  const estimatedAccuracy = meter.createObservableGauge(METRIC_ML_MODEL_ESTIMATED_ACCURACY, {
    description:
      'Mean top-class confidence of the most recent predictions: a label-free estimate of accuracy, valid for calibrated classifiers',
  });
  const pending = meter.createObservableGauge(METRIC_ML_FEEDBACK_PENDING, {
    description: 'Predictions remembered and still waiting for feedback',
  });
  const dropped = meter.createObservableCounter(METRIC_ML_FEEDBACK_PENDING_DROPPED, {
    description:
      'Predictions that left the feedback store without feedback, by reason (evicted: store full; expired: older than the time to live)',
  });
  return {
    feedback: meter.createCounter(METRIC_ML_FEEDBACK, {
      description: 'Feedback (true outcomes) received, by what became of it (ml_feedback_outcome)',
    }),
    absoluteError: meter.createHistogram(METRIC_ML_PREDICTION_ERROR_ABSOLUTE, {
      description:
        'Absolute error |predicted - actual| of matched regression feedback, in the unit of the model output',
      advice: { explicitBucketBoundaries: [...errorBuckets] },
    }),
    outcome: meter.createCounter(METRIC_ML_OUTCOME, {
      description: 'Predictions that got a business outcome, by ml_outcome_name (each prediction and name once)',
    }),
    outcomeValue: meter.createHistogram(METRIC_ML_OUTCOME_VALUE, {
      description: 'Values of the business outcomes counted in ml_outcome_total (its _sum is the total value)',
      // No bucket bounds: the sum and the count are what is queried; buckets would only add series.
      advice: { explicitBucketBoundaries: [] },
    }),
    outcomeRejected: meter.createCounter(METRIC_ML_OUTCOME_REJECTED, {
      description:
        'Business outcomes reported but not counted, by reason (unmatched, duplicate, expired, invalid, unavailable)',
    }),
    accuracy,
    precision,
    recall,
    f1,
    mae,
    rmse,
    estimatedAccuracy,
    pending,
    dropped,
    observables: [accuracy, precision, recall, f1, mae, rmse, estimatedAccuracy, pending, dropped],
  };
}
