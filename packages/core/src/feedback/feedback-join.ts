import type { ReportOnce } from '../errors/report-once';
import { describeFeedbackValue as describe, isPromise } from './describe-feedback-value';
import type { FeedbackConfig } from './feedback-config';
import type { FeedbackInstruments } from './feedback-instruments';
import type { FeedbackStore, TakeResult } from './feedback-store';
import type { ModelQuality } from './model-quality';
import type { ModelRegistry } from './model-registry';
import type { PredictionStore } from './prediction-store';
import { settleJoin } from './settle-join';
import type { FeedbackActual, FeedbackOutcome } from './types';

/**
 * Joins true outcomes (labels) with the predictions they are about and counts what became of
 * each in `ml_feedback_total`, feeding the quality windows of the prediction's model.
 */
export class FeedbackJoin {
  constructor(
    private readonly config: FeedbackConfig,
    private readonly registry: ModelRegistry,
    private readonly reporter: ReportOnce,
    private readonly instruments: FeedbackInstruments,
    /** The tracker's own store, when it has no shared one. */
    private readonly local: PredictionStore | undefined,
    private readonly shared: FeedbackStore | undefined,
  ) {}

  /** See `FeedbackTracker.recordFeedback`. */
  byPredictionId(predictionId: string, actual: FeedbackActual): FeedbackOutcome | Promise<FeedbackOutcome> {
    return this.settle(() => {
      if (typeof predictionId !== 'string' || predictionId === '') {
        return this.reject(
          this.registry.attributable(),
          'invalid',
          'invalid-id',
          `feedback needs a prediction ID (a non-empty string); got ${describe(predictionId)}`,
        );
      }
      const now = Date.now();
      const fit = this.fitting(actual);
      const key = `prediction ID ${describe(predictionId)}`;
      const found = this.local
        ? this.local.take(predictionId, fit, now)
        : (this.shared as FeedbackStore).take(predictionId, fit);
      return isPromise(found)
        ? found.then((result) => this.join(result, actual, key, now))
        : this.join(found, actual, key, now);
    });
  }

  /** See `FeedbackTracker.recordFeedbackByTraceId`. */
  byTraceId(traceId: string, actual: FeedbackActual): FeedbackOutcome | Promise<FeedbackOutcome> {
    return this.settle(() => {
      if (typeof traceId !== 'string' || traceId === '') {
        return this.reject(
          this.registry.attributable(),
          'invalid',
          'invalid-trace-id',
          `feedback needs a trace ID (a non-empty string); got ${describe(traceId)}`,
        );
      }
      const now = Date.now();
      const id = traceId.toLowerCase();
      const fit = this.fitting(actual);
      const key = `trace ID ${describe(traceId)}`;
      const found = this.local
        ? this.local.takeByTraceId(id, fit, now)
        : (this.shared as FeedbackStore).takeByTraceId(id, fit);
      return isPromise(found)
        ? found.then((result) => this.join(result, actual, key, now))
        : this.join(found, actual, key, now);
    });
  }

  /** Runs a join, turning anything it throws or rejects with into `invalid`, reported once. */
  private settle(run: () => FeedbackOutcome | Promise<FeedbackOutcome>): FeedbackOutcome | Promise<FeedbackOutcome> {
    return settleJoin(this.local === undefined, run, (error) => this.failed(error));
  }

  /** The true outcome when it can take a prediction; `undefined` (look, do not take) when it is invalid. */
  private fitting(actual: unknown): FeedbackActual | undefined {
    return this.isActual(actual) ? actual : undefined;
  }

  private join(found: TakeResult, actual: unknown, key: string, now: number): FeedbackOutcome {
    if (found.state === 'unavailable') {
      if (!this.isActual(actual)) return this.invalidActual(this.registry.attributable(), actual);
      const why = found.error instanceof Error ? found.error.message : String(found.error);
      return this.reject(
        this.registry.attributable(),
        'unavailable',
        'unavailable',
        `feedback for ${key} cannot be joined: the feedback store is unavailable (${why}); the feedback is lost`,
      );
    }
    const prediction = 'prediction' in found ? found.prediction : undefined;
    const quality = prediction === undefined ? this.registry.attributable() : this.registry.forStored(prediction);
    if (!this.isActual(actual)) return this.invalidActual(quality, actual);
    switch (found.state) {
      case 'missing':
        return this.reject(
          quality,
          'unmatched',
          'unmatched',
          `feedback for ${key} matches no remembered prediction (never seen, failed, evicted when the store was full, or forgotten after twice ttlMs)`,
        );
      case 'ambiguous':
        return this.reject(
          quality,
          'unmatched',
          'ambiguous-trace',
          `trace ${key.slice('trace ID '.length)} made several predictions, so feedback by trace ID cannot tell which one it is about; use recordFeedback(predictionId, actual)`,
        );
      case 'answered':
        return this.reject(quality, 'duplicate', 'duplicate', `second feedback for ${key}; only the first one is used`);
      case 'kept': {
        const { name, version } = quality.model;
        return this.invalidActual(
          quality,
          actual,
          `regression model ${name} ${version} needs a finite number (if ${name} is a classifier, give traced() \`task: 'classification'\` or \`classes\`, or the tracker \`task: 'classification'\`)`,
        );
      }
    }
    const { task, label, value } = found.prediction;
    if (now - found.prediction.time >= this.config.ttlMs) {
      return this.reject(
        quality,
        'expired',
        'expired',
        `feedback for ${key} came after ttlMs (${this.config.ttlMs} ms); it is counted but not used`,
      );
    }
    if (task === 'classification') {
      if (label === undefined) {
        return this.reject(
          quality,
          'unmatched',
          'no-prediction-label',
          `the prediction of ${key} has no label to compare with`,
        );
      }
      if (this.local !== undefined) quality.pending--;
      const correct = quality.classification.push(
        label,
        typeof actual === 'number' ? String(actual) : (actual as string),
      );
      return this.count(quality, correct ? 'correct' : 'incorrect');
    }
    if (value === undefined) {
      return this.reject(
        quality,
        'unmatched',
        'no-prediction-value',
        `the prediction of ${key} has no numeric value to compare with`,
      );
    }
    if (this.local !== undefined) quality.pending--;
    const error = value - (actual as number);
    quality.regression.push(error);
    this.instruments.absoluteError.record(Math.abs(error), quality.attributes);
    return this.count(quality, 'matched');
  }

  /** A class label (non-empty string or finite number) or a finite number: the only outcomes accepted. */
  private isActual(actual: unknown): actual is FeedbackActual {
    return (typeof actual === 'string' && actual !== '') || (typeof actual === 'number' && Number.isFinite(actual));
  }

  private invalidActual(
    quality: ModelQuality,
    actual: unknown,
    expected = 'needs a class label (non-empty string or finite number) or a finite number',
  ): FeedbackOutcome {
    return this.reject(
      quality,
      'invalid',
      `invalid-actual:${expected}`,
      `feedback ${expected}; got ${describe(actual)} (${typeof actual})`,
    );
  }

  private count(quality: ModelQuality, outcome: FeedbackOutcome): FeedbackOutcome {
    if (outcome === 'correct') quality.correct++;
    else if (outcome === 'incorrect') quality.incorrect++;
    this.instruments.feedback.add(1, quality.outcomeAttributes[outcome]);
    return outcome;
  }

  private reject(quality: ModelQuality, outcome: FeedbackOutcome, cause: string, message: string): FeedbackOutcome {
    this.reporter.report(
      cause,
      `${message}; counted as ml_feedback_total{ml_feedback_outcome="${outcome}"} (further occurrences are only counted)`,
    );
    return this.count(quality, outcome);
  }

  private failed(error: unknown): FeedbackOutcome {
    this.reporter.report('internal-feedback', 'the feedback tracker failed to record feedback', error);
    return 'invalid';
  }
}
