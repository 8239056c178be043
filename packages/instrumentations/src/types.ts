import type { LabelValue, ModelTask, PredictionObserver, ResultExtractor } from '@modelsight/core';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** What a model is known by before any option says otherwise. */
export interface ModelSource {
  /** The instrumentation that met the model: `onnxruntime`, `tfjs` or `transformers`. */
  readonly runtime: 'onnxruntime' | 'tfjs' | 'transformers';
  /**
   * The name the instrumentation found: the model file's name without extension (onnxruntime sessions
   * created from a path, tfjs graph models loaded from a URL), the model's own name (tfjs layers models),
   * or the model id given to `pipeline()` (transformers.js).
   */
  readonly name: string;
  /** The file path, URL or model id the model came from, when known. */
  readonly location: string | undefined;
}

/**
 * Options of the runtime instrumentations. Each span gets the attributes of `traced()` spans
 * (`ml.model.name`, `ml.model.version`, `ml.prediction.id`, `ml.prediction.label`,
 * `ml.prediction.confidence`, `ml.batch.size`, `error.type`) and each prediction feeds the same metrics.
 */
export interface ModelInstrumentationConfig extends InstrumentationConfig {
  /**
   * `ml.model.name`: a string for every model, or a function of what the model is known by.
   * @default the model file's name, the tfjs model's name, or the transformers.js model id (`ModelSource.name`)
   */
  modelName?: string | ((model: ModelSource) => string | undefined);
  /**
   * `ml.model.version`. Env: `MODELSIGHT_MODEL_VERSION`.
   * @default `'unknown'`
   */
  modelVersion?: string | ((model: ModelSource) => string | undefined);
  /**
   * Names of the class indices of a classification head, index 0 first, as in `traced()`.
   * @default none: an argmax becomes its index as a string (transformers.js pipelines name their labels themselves)
   */
  classes?: readonly string[] | ((model: ModelSource) => readonly string[] | undefined);
  /**
   * `'regression'` for models that predict numbers (no warning about missing labels), as in `traced()`.
   * @default inferred from the outputs
   */
  task?: ModelTask;
  /** Receive every prediction, as with `traced()` (drift monitors, feedback trackers). @default [] */
  observers?: readonly PredictionObserver[];
  /**
   * Finds the confidence on a call's output (on one row's output for a batch), as in `traced()`.
   * @default as in `traced()`: probabilities, scores, `[{ label, score }]`
   */
  confidence?: ResultExtractor<number>;
  /**
   * Finds the label on a call's output (on one row's output for a batch), as in `traced()`.
   * @default as in `traced()`: label outputs, class indices named by `classes`, the argmax of probabilities
   */
  label?: ResultExtractor<LabelValue>;
}
