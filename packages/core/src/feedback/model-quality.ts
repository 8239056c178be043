import type { Attributes } from '@opentelemetry/api';
import { ATTR_ML_MODEL_NAME, ATTR_ML_MODEL_VERSION, ATTR_ML_PREDICTION_LABEL } from '../semconv';
import type { ModelIdentity } from '../types';
import { ClassSet } from './class-set';
import { ClassificationWindow } from './classification-window';
import { ATTR_ML_FEEDBACK_OUTCOME, ATTR_ML_OUTCOME_NAME, ATTR_REASON, MACRO_LABEL } from './feedback-semconv';
import { NumberWindow } from './number-window';
import type { DropReason, PredictionSource } from './feedback-store';
import type { FeedbackOutcome, ModelTask, OutcomeRejectReason } from './types';

const OUTCOMES: readonly FeedbackOutcome[] = [
  'correct',
  'incorrect',
  'matched',
  'unmatched',
  'duplicate',
  'expired',
  'invalid',
  'unavailable',
];
const DROP_REASONS: readonly DropReason[] = ['evicted', 'expired', 'unavailable', 'unknown', 'lost'];

/**
 * Everything a tracker knows about one model version: its task, the windows its quality gauges
 * are computed from, and the metric attributes, built once. It is also the source its
 * predictions are stored with, so that a store reports drops straight to it.
 */
export class ModelQuality implements PredictionSource {
  readonly attributes: Attributes;
  readonly outcomeAttributes: Readonly<Record<FeedbackOutcome, Attributes>>;
  readonly dropAttributes: Readonly<Record<DropReason, Attributes>>;
  /** Fixed by the tracker's option, or inferred from the first prediction that tells. */
  task: ModelTask | undefined;
  /** Predictions of this model waiting for feedback in the tracker's own store. */
  pending = 0;
  /** Predictions of this model that left the store without feedback, by reason. */
  readonly drops: Record<DropReason, number> = { evicted: 0, expired: 0, unavailable: 0, unknown: 0, lost: 0 };
  /** Classification feedback joined with this model's predictions: right and wrong, since the tracker started. */
  correct = 0;
  incorrect = 0;
  private classificationWindow: ClassificationWindow | undefined;
  private regressionWindow: NumberWindow | undefined;
  private confidenceWindow: NumberWindow | undefined;
  private readonly labelAttributes = new Map<string, Attributes>();
  /** Attributes of the outcome metrics, by outcome name (declared names only, so bounded). */
  private readonly outcomeNameAttributes = new Map<string, Attributes>();
  private readonly rejectAttributes = new Map<string, Attributes>();

  constructor(
    readonly model: ModelIdentity,
    task: ModelTask | undefined,
    private readonly windowSize: number,
    private readonly labels: readonly string[] | undefined,
    private readonly maxClasses: number,
    private readonly onClassOverflow: (quality: ModelQuality, label: string) => void,
    private readonly onDrop: (quality: ModelQuality, reason: DropReason) => void = () => {},
  ) {
    this.task = task;
    this.attributes = { [ATTR_ML_MODEL_NAME]: model.name, [ATTR_ML_MODEL_VERSION]: model.version };
    const outcomes = {} as Record<FeedbackOutcome, Attributes>;
    for (const outcome of OUTCOMES) outcomes[outcome] = { ...this.attributes, [ATTR_ML_FEEDBACK_OUTCOME]: outcome };
    this.outcomeAttributes = outcomes;
    const drops = {} as Record<DropReason, Attributes>;
    for (const reason of DROP_REASONS) drops[reason] = { ...this.attributes, [ATTR_REASON]: reason };
    this.dropAttributes = drops;
  }

  dropped(reason: DropReason): void {
    // Only the tracker's own store counts pending predictions (it evicts and expires them); a shared store's
    // drops are of predictions this count never held.
    if (reason === 'evicted' || reason === 'expired') this.pending--;
    this.drops[reason]++;
    this.onDrop(this, reason);
  }

  /** The windows are allocated on first use: a model never sees both tasks. */
  get classification(): ClassificationWindow {
    this.classificationWindow ??= new ClassificationWindow(
      this.windowSize,
      new ClassSet(this.labels, this.maxClasses, (label) => this.onClassOverflow(this, label)),
    );
    return this.classificationWindow;
  }

  get regression(): NumberWindow {
    this.regressionWindow ??= new NumberWindow(this.windowSize);
    return this.regressionWindow;
  }

  get hasClassification(): boolean {
    return this.classificationWindow !== undefined;
  }

  get hasRegression(): boolean {
    return this.regressionWindow !== undefined;
  }

  /** Recent confidences, for `ml_model_estimated_accuracy`; `undefined` until one arrives. */
  get confidences(): NumberWindow | undefined {
    return this.confidenceWindow;
  }

  addConfidence(confidence: number): void {
    this.confidenceWindow ??= new NumberWindow(this.windowSize);
    this.confidenceWindow.push(confidence);
  }

  /** Attributes of a per-class gauge (the class name, or `macro`), built once per class. */
  labelAttributesOf(label: string): Attributes {
    let attributes = this.labelAttributes.get(label);
    if (attributes === undefined) {
      attributes = { ...this.attributes, [ATTR_ML_PREDICTION_LABEL]: label };
      this.labelAttributes.set(label, attributes);
    }
    return attributes;
  }

  /** Attributes of `ml_outcome_total` and `ml_outcome_value` for a declared outcome name, built once. */
  outcomeAttributesOf(name: string): Attributes {
    let attributes = this.outcomeNameAttributes.get(name);
    if (attributes === undefined) {
      attributes = { ...this.attributes, [ATTR_ML_OUTCOME_NAME]: name };
      this.outcomeNameAttributes.set(name, attributes);
    }
    return attributes;
  }

  /**
   * Attributes of `ml_outcome_rejected_total`, built once per declared name (or none, for a name that
   * was not declared) and reason.
   */
  rejectAttributesOf(name: string | undefined, reason: OutcomeRejectReason): Attributes {
    const key = `${reason}\u0000${name ?? ''}`;
    let attributes = this.rejectAttributes.get(key);
    if (attributes === undefined) {
      attributes =
        name === undefined
          ? { ...this.attributes, [ATTR_REASON]: reason }
          : { ...this.attributes, [ATTR_ML_OUTCOME_NAME]: name, [ATTR_REASON]: reason };
      this.rejectAttributes.set(key, attributes);
    }
    return attributes;
  }

  get macroAttributes(): Attributes {
    return this.labelAttributesOf(MACRO_LABEL);
  }
}
