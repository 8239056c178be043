import type { ReportOnce } from '../errors/report-once';
import type { PredictionRecord } from '../types';
import { describeFeedbackValue as describe } from './describe-feedback-value';
import type { FeedbackConfig } from './feedback-config';
import type { FeedbackStore, PendingPrediction } from './feedback-store';
import type { ModelQuality } from './model-quality';
import type { ModelRegistry } from './model-registry';
import type { PredictionStore } from './prediction-store';
import { defaultRegressionValue, inferTask } from './task-inference';
import type { ModelTask } from './types';

/** What `PredictionInfo.traceId` holds when no SDK records spans: not a trace to join by. */
const INVALID_TRACE_ID = '00000000000000000000000000000000';

/**
 * Takes the predictions of `traced()` into the tracker's store: finds the model, the task and
 * the predicted label or number, and hands them to the store. On the prediction path: it reuses
 * one object for every prediction and never throws.
 */
export class PredictionIntake {
  /** Handed to the store for every prediction, refilled each time: nothing is allocated per prediction. */
  private readonly pendingPrediction: PendingPrediction = {
    id: '',
    traceId: undefined,
    source: undefined as unknown as ModelQuality,
    task: 'classification',
    label: undefined,
    value: undefined,
    confidence: undefined,
    time: 0,
    retainMs: 0,
  };
  /** When the latest prediction was stored: the store needs times that never go back. */
  private lastStoredAt = 0;

  constructor(
    private readonly config: FeedbackConfig,
    private readonly registry: ModelRegistry,
    private readonly reporter: ReportOnce,
    /** The tracker's own store, when it has no shared one. */
    private readonly local: PredictionStore | undefined,
    private readonly shared: FeedbackStore | undefined,
  ) {
    this.pendingPrediction.retainMs = 2 * config.ttlMs;
  }

  /** Remembers a prediction for the join. */
  onPrediction(record: PredictionRecord): void {
    /** Set while a shared store is given the prediction: what it throws means it did not take it. */
    let sharing: ModelQuality | undefined;
    try {
      if (record.status !== 'ok' || typeof record.predictionId !== 'string') return;
      const quality = this.registry.forRecord(record.model);
      if (quality === undefined) return;
      if (quality.task === undefined) quality.task = this.taskOf(record);
      const task = quality.task;
      const confidence = record.confidence;
      // A non-finite confidence would turn the estimated accuracy into NaN for a whole window.
      if (task !== 'regression' && typeof confidence === 'number' && Number.isFinite(confidence))
        quality.addConfidence(confidence);

      const label = task === 'regression' ? undefined : record.label;
      const value = task === 'classification' ? undefined : this.valueOf(record);
      if (task === 'classification' && label === undefined) {
        this.reporter.report(
          `no-label:${quality.model.name}`,
          `a prediction of classifier ${quality.model.name} ${quality.model.version} has no label, so feedback cannot be joined with it; give traced() a \`label\` extractor`,
        );
        return;
      }
      if (task !== 'classification' && value === undefined && label === undefined) {
        this.reporter.report(
          `no-value:${quality.model.name}`,
          `a prediction of ${quality.model.name} ${quality.model.version} has neither a label nor a numeric value, so feedback cannot be joined with it; give the tracker a \`value\` extractor or traced() a \`label\` extractor`,
        );
        return;
      }
      const pending = this.pendingPrediction;
      pending.id = record.predictionId;
      pending.traceId =
        record.traceId !== undefined && record.traceId !== INVALID_TRACE_ID ? record.traceId : undefined;
      pending.source = quality;
      pending.task = task ?? (label !== undefined ? 'classification' : 'regression');
      pending.label = label;
      pending.value = value;
      pending.confidence = confidence;
      pending.time = this.storedAt(record.endTime);
      if (this.local !== undefined) {
        this.local.add(pending);
        quality.pending++;
      } else {
        sharing = quality;
        (this.shared as FeedbackStore).add(pending);
      }
    } catch (error) {
      if (sharing === undefined) {
        this.reporter.report('internal-prediction', 'the feedback tracker failed to remember a prediction', error);
        return;
      }
      sharing.dropped('unavailable');
      this.reporter.report(
        'store-add',
        'the feedback store could not take a prediction (its add threw); counted in ml_feedback_pending_dropped_total{reason="unavailable"}',
        error,
      );
    }
  }

  /**
   * The record's end time, which `traced()` takes with `Date.now()` just before notifying, saves a
   * second clock read per prediction; a record without a usable one falls back to the clock, and
   * times never go back (the store expires in arrival order).
   */
  private storedAt(endTime: number): number {
    let time = typeof endTime === 'number' && endTime > 0 && endTime < Infinity ? endTime : Date.now();
    if (time < this.lastStoredAt) time = this.lastStoredAt;
    this.lastStoredAt = time;
    return time;
  }

  private taskOf(record: PredictionRecord): ModelTask | undefined {
    return record.task ?? inferTask(record);
  }

  private valueOf(record: PredictionRecord): number | undefined {
    if (this.config.value === undefined) return defaultRegressionValue(record.output, record.label);
    try {
      const value = this.config.value(record.output);
      if (value === undefined || (typeof value === 'number' && Number.isFinite(value))) return value;
      this.reporter.report(
        'value-type',
        `the value extractor must return a finite number or undefined; got ${describe(value)}`,
      );
    } catch (error) {
      this.reporter.report('value-threw', 'the value extractor threw', error);
    }
    return undefined;
  }
}
