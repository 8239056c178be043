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
  /** The model's input names, when the runtime tells them (onnxruntime sessions, tfjs models). */
  readonly inputNames?: readonly string[];
  /** The model's output names, when the runtime tells them (onnxruntime sessions, tfjs models). */
  readonly outputNames?: readonly string[];
}

/**
 * Names a model met by an instrumentation: an entry of `MODELSIGHT_MODELS_FILE`, `MODELSIGHT_MODELS` or the
 * `models` option. The first entry whose every `match` key holds for the model gives its name, version and classes.
 */
export interface ModelMapping {
  /** What the model must show, every key given (at least one). */
  readonly match: {
    /** The instrumentation that meets it. */
    readonly runtime?: ModelSource['runtime'];
    /** The name the instrumentation found (`ModelSource.name`: `model_1`, `onnx-model`, a model id). */
    readonly name?: string;
    /** The file path, URL or model id it came from, whole or as its last path segments (`models/vad.onnx`). */
    readonly location?: string;
    /** Its input names, in any order (an ONNX session created from bytes is known by them). */
    readonly inputNames?: readonly string[];
    /** Its output names, in any order. */
    readonly outputNames?: readonly string[];
  };
  /** `ml.model.name`. @default the name the instrumentation found */
  readonly name?: string;
  /** `ml.model.version`. @default `MODELSIGHT_MODEL_VERSION`, else `'unknown'` */
  readonly version?: string;
  /** Names of the class indices, index 0 first. @default none */
  readonly classes?: readonly string[];
}

/**
 * Options of the runtime instrumentations. Each span gets the attributes of `traced()` spans
 * (`ml.model.name`, `ml.model.version`, `ml.prediction.id`, `ml.prediction.label`,
 * `ml.prediction.confidence`, `ml.batch.size`, `error.type`) and each prediction feeds the same metrics.
 */
export interface ModelInstrumentationConfig extends InstrumentationConfig {
  /**
   * Names, versions and classes of models by what they show (see {@link ModelMapping}); the options
   * `modelName`, `modelVersion` and `classes` win over them. Env: `MODELSIGHT_MODELS` (inline JSON), then
   * `MODELSIGHT_MODELS_FILE` (a JSON file); both hold `{ "models": [...] }` or the array itself.
   * @default the mappings of the environment, else none
   */
  models?: readonly ModelMapping[];
  /**
   * Whether a runtime call made outside any span (no request: a warm-up at load time, a script) is traced
   * as a prediction. Calls inside a request, and `traced()` functions, are traced either way.
   * Env: `MODELSIGHT_TRACE_ROOT_PREDICTIONS` (`true`/`false`).
   * @default false
   */
  traceRootPredictions?: boolean;
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
