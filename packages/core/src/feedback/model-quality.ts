import type { Attributes } from '@opentelemetry/api';
import { ATTR_ML_MODEL_NAME, ATTR_ML_MODEL_VERSION, ATTR_ML_PREDICTION_LABEL } from '../semconv';
import type { ModelIdentity } from '../types';
import { ClassSet } from './class-set';
import { ClassificationWindow } from './classification-window';
import { ATTR_ML_FEEDBACK_OUTCOME, ATTR_REASON, MACRO_LABEL } from './feedback-semconv';
import { NumberWindow } from './number-window';
import type { DropReason } from './prediction-store';
import type { FeedbackOutcome, ModelTask } from './types';

const OUTCOMES: readonly FeedbackOutcome[] = ['correct', 'incorrect', 'matched', 'unmatched', 'duplicate', 'expired', 'invalid'];

/**
 * Everything a tracker knows about one model version: its task, the windows its quality gauges
 * are computed from, and the metric attributes, built once.
 */
export class ModelQuality {
  readonly attributes: Attributes;
  readonly outcomeAttributes: Readonly<Record<FeedbackOutcome, Attributes>>;
  readonly dropAttributes: Readonly<Record<DropReason, Attributes>>;
  /** Fixed by the tracker's option, or inferred from the first prediction that tells. */
  task: ModelTask | undefined;
  /** Predictions of this model waiting for feedback. */
  pending = 0;
  readonly dropped: Record<DropReason, number> = { evicted: 0, expired: 0 };
  private classificationWindow: ClassificationWindow | undefined;
  private regressionWindow: NumberWindow | undefined;
  private confidenceWindow: NumberWindow | undefined;
  private readonly labelAttributes = new Map<string, Attributes>();

  constructor(
    readonly model: ModelIdentity,
    task: ModelTask | undefined,
    private readonly windowSize: number,
    private readonly labels: readonly string[] | undefined,
    private readonly maxClasses: number,
    private readonly onClassOverflow: (quality: ModelQuality, label: string) => void,
  ) {
    this.task = task;
    this.attributes = { [ATTR_ML_MODEL_NAME]: model.name, [ATTR_ML_MODEL_VERSION]: model.version };
    const outcomes = {} as Record<FeedbackOutcome, Attributes>;
    for (const outcome of OUTCOMES) outcomes[outcome] = { ...this.attributes, [ATTR_ML_FEEDBACK_OUTCOME]: outcome };
    this.outcomeAttributes = outcomes;
    this.dropAttributes = {
      evicted: { ...this.attributes, [ATTR_REASON]: 'evicted' },
      expired: { ...this.attributes, [ATTR_REASON]: 'expired' },
    };
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

  get macroAttributes(): Attributes {
    return this.labelAttributesOf(MACRO_LABEL);
  }
}
