import { InstrumentationNodeModuleDefinition, isWrapped } from '@opentelemetry/instrumentation';
import type * as transformers from '@huggingface/transformers';
import { ModelInstrumentationBase, type AnyMethod, type MethodTracing } from './model-instrumentation-base';
import type { ModelInstrumentationConfig, ModelSource } from './types';

/** `ml.model.name` of a pipeline whose model id is unknown and whose config names no model type. */
export const DEFAULT_PIPELINE_MODEL_NAME = 'transformers-pipeline';

type Exports = Record<string, unknown>;

/**
 * Words of the pipeline tasks whose results carry a label or a score (`[{ label, score }]`,
 * `{ answer, score }`): `text-classification`, `object-detection`, `image-segmentation`, `fill-mask`,
 * `question-answering`, and the aliases `sentiment-analysis` and `ner`. Matched as whole words of the
 * task (`translation_en_to_fr` has options after `_`): `ner` is also inside `text-generation`.
 */
const LABELLED_TASK = /(?:^|-)(?:classification|detection|segmentation|mask|answering|sentiment|ner)(?:$|[-_])/;

/**
 * Whether a pipeline's task gives labels or scores; the others (generation, translation, summarization,
 * embeddings, speech to text, …) are traced without the warning about predictions that give neither.
 * A pipeline without a task string is expected to give them.
 */
export function isLabelledTask(task: unknown): boolean {
  return typeof task !== 'string' || LABELLED_TASK.test(task);
}

function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
interface PipelineLike {
  task?: unknown;
  model?: { config?: { model_type?: unknown } };
}

/**
 * Traces transformers.js pipelines (`@huggingface/transformers`): one span `predict {model id}` per call
 * of a pipeline (`await classifier(text)`), with the attributes and metrics of `traced()` and the label
 * and score of the top result (`[{ label, score }]`); an array of inputs is a batch. The ONNX sessions
 * the pipeline runs inside the call (its model and the helper sessions of its post-processing) make no
 * span of their own. The model name is the model id given to `pipeline()` (or `from_pretrained`) unless
 * `modelName` says otherwise.
 *
 * Short name `transformers`. Nothing is loaded until the app requires or imports the package.
 */
export class TransformersInstrumentation extends ModelInstrumentationBase {
  /** The model id each model was loaded from. */
  private readonly modelIds = new WeakMap<object, string>();

  /** @throws TypeError naming the option and the value when one is invalid. */
  constructor(config: ModelInstrumentationConfig = {}) {
    super('transformers', config);
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        '@huggingface/transformers',
        ['>=3.0.0 <5'],
        (exports: typeof transformers) => this.patch(exports as unknown as Exports),
        (exports: typeof transformers) => this.unpatch(exports as unknown as Exports),
      ),
    ];
  }

  /** The pipeline classes: exported classes named `…Pipeline` with a `_call` of their own. */
  private pipelineClasses(exports: Exports): [string, Record<string, unknown>][] {
    const found: [string, Record<string, unknown>][] = [];
    for (const name of Object.keys(exports)) {
      if (!name.endsWith('Pipeline')) continue;
      const value = exports[name];
      const prototype =
        typeof value === 'function' ? (value.prototype as Record<string, unknown> | undefined) : undefined;
      if (prototype !== undefined && Object.hasOwn(prototype, '_call') && typeof prototype._call === 'function') {
        found.push([name, prototype]);
      }
    }
    return found;
  }

  private patch(exports: Exports): Exports {
    try {
      const Model = exports.PreTrainedModel as Record<string, unknown> | undefined;
      if (typeof Model?.from_pretrained === 'function' && !isWrapped(Model.from_pretrained)) {
        this._wrap(Model, 'from_pretrained', (original) => this.rememberModelId(original as AnyMethod) as never);
      }
      const classes = this.pipelineClasses(exports);
      if (classes.length === 0) this.warnOnce('no-pipelines', `no pipeline classes found; pipelines are not traced`);
      for (const [name, prototype] of classes) {
        if (isWrapped(prototype._call)) continue;
        const tracing: MethodTracing = {
          method: `${name}._call`,
          source: (pipeline) => this.sourceOf(pipeline as PipelineLike),
          batch: (args) => (Array.isArray(args[0]) ? args[0].length : undefined),
          expectLabel: (pipeline) => isLabelledTask((pipeline as PipelineLike).task),
        };
        this._wrap(prototype, '_call', (original) => this.tracedMethod(original as AnyMethod, tracing) as never);
      }
    } catch (error) {
      this.warnOnce('patch', `patching @huggingface/transformers failed; pipelines are not traced`, error);
    }
    return exports;
  }

  private unpatch(exports: Exports): void {
    try {
      const Model = exports.PreTrainedModel as Record<string, unknown> | undefined;
      if (Model !== undefined && isWrapped(Model.from_pretrained)) this._unwrap(Model, 'from_pretrained');
      for (const [, prototype] of this.pipelineClasses(exports))
        if (isWrapped(prototype._call)) this._unwrap(prototype, '_call');
    } catch (error) {
      this.warnOnce('unpatch', `unpatching @huggingface/transformers failed`, error);
    }
  }

  /** `from_pretrained(modelId, …)` resolves to a model: remember the id it came from. */
  private rememberModelId(original: AnyMethod): AnyMethod {
    const modelIds = this.modelIds;
    return function from_pretrained(this: unknown, ...args: unknown[]) {
      const loading = original.apply(this, args);
      const id = args[0];
      if (typeof id === 'string' && id !== '' && typeof (loading as Promise<unknown>)?.then === 'function') {
        (loading as Promise<unknown>).then(
          (model) => {
            // Models are callable: functions, not plain objects.
            if (isObjectLike(model) && !modelIds.has(model)) modelIds.set(model, id);
          },
          () => undefined,
        );
      }
      return loading;
    };
  }

  private sourceOf(pipeline: PipelineLike): ModelSource {
    const model = pipeline.model;
    const id = isObjectLike(model) ? this.modelIds.get(model) : undefined;
    const type = model?.config?.model_type;
    const name = id ?? (typeof type === 'string' && type !== '' ? type : DEFAULT_PIPELINE_MODEL_NAME);
    return { runtime: 'transformers', name, location: id };
  }
}
