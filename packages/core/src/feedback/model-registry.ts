import type { ReportOnce } from '../errors/report-once';
import type { ModelIdentity } from '../types';
import { MAX_CLASS_NAME_LENGTH } from './class-set';
import { describeFeedbackValue as describe } from './describe-feedback-value';
import type { FeedbackConfig } from './feedback-config';
import type { DropReason, StoredPrediction } from './feedback-store';
import { ModelQuality } from './model-quality';

/** Name and version that feedback is counted under when it cannot be attributed to a model. */
const UNKNOWN_MODEL: ModelIdentity = Object.freeze({ name: 'unknown', version: 'unknown' });

/**
 * Most model versions a tracker learns from a shared store's predictions (made by other replicas):
 * their names become metric labels, so a store holding foreign or corrupt entries cannot grow the
 * series without bound. Feedback for further ones is counted under `unknown`.
 */
const MAX_STORED_MODELS = 100;
/** Longest model name or version taken from a shared store. */
const MAX_STORED_MODEL_LENGTH = 256;

const modelKey = (model: ModelIdentity): string => `${model.name}\u0000${model.version}`;
const validStoredName = (name: unknown): name is string =>
  typeof name === 'string' && name.trim() !== '' && name.length <= MAX_STORED_MODEL_LENGTH;

/**
 * The per-model state of a tracker, one {@link ModelQuality} per model version: found for the
 * predictions of this process, for the predictions a shared store hands back (made by any replica,
 * bounded), and for feedback that matches no prediction (the pinned model, the only one, or `unknown`).
 */
export class ModelRegistry {
  private readonly models = new Map<string, ModelQuality>();
  private storedModels = 0;
  /** The model of the previous record: wrappers pass the same object every time, so this skips the lookup. */
  private lastModel: ModelIdentity | undefined;
  private lastQuality: ModelQuality | undefined;
  private readonly pinned: ModelQuality | undefined;
  private unknown: ModelQuality | undefined;

  constructor(
    private readonly config: FeedbackConfig,
    private readonly reporter: ReportOnce,
    /** Told of every prediction that leaves the tracker's store without feedback. */
    private readonly onDrop: (reason: DropReason) => void,
    /** Told of each model version when it is first known (not of `unknown`). */
    private readonly onNewModel: (quality: ModelQuality) => void = () => {},
  ) {
    if (config.model !== undefined) this.pinned = this.qualityOf(config.model);
  }

  /** Every model version known so far (not `unknown`). */
  values(): IterableIterator<ModelQuality> {
    return this.models.values();
  }

  /** How many model versions are known. */
  get size(): number {
    return this.models.size;
  }

  /** The per-model state of a record's model; `undefined` for another model than the pinned one. */
  forRecord(model: ModelIdentity): ModelQuality | undefined {
    if (this.lastModel === model && this.lastQuality) return this.lastQuality;
    const pinned = this.pinned;
    if (pinned && (model.name !== pinned.model.name || model.version !== pinned.model.version)) {
      this.reporter.report(
        'other-model',
        `the feedback tracker of ${pinned.model.name} ${pinned.model.version} ignores predictions of ${model.name} ${model.version}`,
      );
      return undefined;
    }
    const quality = this.qualityOf(model);
    this.lastModel = model;
    this.lastQuality = quality;
    return quality;
  }

  /** The model of a stored prediction: its own source, or the model of another replica's prediction. */
  forStored(prediction: StoredPrediction): ModelQuality {
    const source = prediction.source;
    if (source instanceof ModelQuality && this.models.get(modelKey(source.model)) === source) return source;
    const { name, version } = prediction.model;
    const key = modelKey(prediction.model);
    let quality = this.models.get(key);
    if (quality === undefined) {
      if (!validStoredName(name) || !validStoredName(version)) {
        this.reporter.report(
          'stored-model',
          `the feedback store returned a prediction with an invalid model ${describe(name)} ${describe(version)}; its feedback is counted under "unknown"`,
        );
        return this.unknownQuality();
      }
      if (this.storedModels >= MAX_STORED_MODELS) {
        this.reporter.report(
          'stored-models',
          `the feedback store holds predictions of more than ${MAX_STORED_MODELS} model versions; feedback for ${describe(name)} ${describe(version)} and later ones is counted under "unknown"`,
        );
        return this.unknownQuality();
      }
      this.storedModels++;
      quality = this.qualityOf({ name, version });
    }
    quality.task ??= prediction.task;
    return quality;
  }

  /** The model that feedback without a known prediction is counted under. */
  attributable(): ModelQuality {
    if (this.pinned) return this.pinned;
    if (this.models.size === 1) return this.models.values().next().value as ModelQuality;
    return this.unknownQuality();
  }

  /** The state of a model version seen already, or `undefined`; creates nothing. */
  find(model: ModelIdentity): ModelQuality | undefined {
    return this.models.get(modelKey(model));
  }

  private qualityOf(model: ModelIdentity): ModelQuality {
    const key = modelKey(model);
    let quality = this.models.get(key);
    if (quality === undefined) {
      quality = this.newQuality(model);
      this.models.set(key, quality);
      this.onNewModel(quality);
    }
    return quality;
  }

  private unknownQuality(): ModelQuality {
    this.unknown ??= this.newQuality(UNKNOWN_MODEL);
    return this.unknown;
  }

  private newQuality(model: ModelIdentity): ModelQuality {
    const { task, windowSize, labels, maxClasses } = this.config;
    return new ModelQuality(
      model,
      task,
      windowSize,
      labels,
      maxClasses,
      (quality, label) => {
        if (labels === undefined && label.length > MAX_CLASS_NAME_LENGTH) {
          this.reporter.report(
            `class-name-length:${quality.model.name}:${quality.model.version}`,
            `label ${describe(label)} of ${quality.model.name} ${quality.model.version} is longer than ${MAX_CLASS_NAME_LENGTH} characters; it counts in accuracy but gets no precision/recall/F1 series`,
          );
          return;
        }
        this.reporter.report(
          `class-overflow:${quality.model.name}:${quality.model.version}`,
          labels
            ? `label ${describe(label)} of ${quality.model.name} ${quality.model.version} is not one of the tracker's labels; it counts in accuracy but gets no precision/recall/F1 series`
            : `${quality.model.name} ${quality.model.version} has more than maxClasses (${maxClasses}) labels; label ${describe(label)} and later ones count in accuracy but get no precision/recall/F1 series`,
        );
      },
      (_quality, reason) => this.onDrop(reason),
    );
  }
}
