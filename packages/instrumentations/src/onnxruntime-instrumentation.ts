import { ATTR_ML_INPUT_SHAPES } from '@modelsight/core';
import { InstrumentationNodeModuleDefinition, isWrapped } from '@opentelemetry/instrumentation';
import type * as ort from 'onnxruntime-node';
import { batchSizeOf, inputShapesAttribute } from './input-shapes';
import { ModelInstrumentationBase, type AnyMethod } from './model-instrumentation-base';
import { baseName, namesOf } from './model-identity';
import type { ModelInstrumentationConfig, ModelSource } from './types';

type InferenceSessionClass = typeof ort.InferenceSession & { prototype: ort.InferenceSession };

/** `ml.model.name` of a session created from bytes when no `modelName` option names it. */
export const DEFAULT_ONNX_MODEL_NAME = 'onnx-model';

/**
 * Traces `InferenceSession.run` of `onnxruntime-node`: one span `predict {model}` per call, with the
 * attributes and metrics of `traced()`, `ml.input.shapes` of the feeds, and the label and confidence read
 * from the outputs (`{ label, probabilities }`, a single probability or logit tensor, class indices).
 * A call whose first input has more than one row (`[k, …]`, k > 1) is a batch of k predictions.
 * The model name is the file name of the model (`iris.onnx` → `iris`) unless `modelName` says otherwise.
 * Runs made inside another prediction (a `traced()` function, a transformers.js pipeline) make no span.
 *
 * Short name `onnxruntime`. The runtime is never imported here: nothing is loaded until the app requires it.
 */
export class OnnxRuntimeInstrumentation extends ModelInstrumentationBase {
  /** Where each session was created from, when it was a path. */
  private readonly locations = new WeakMap<object, string>();

  /** @throws TypeError naming the option and the value when one is invalid. */
  constructor(config: ModelInstrumentationConfig = {}) {
    super('onnxruntime', config);
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        'onnxruntime-node',
        ['>=1.14.0 <2'],
        (exports) => this.patch(exports),
        (exports) => this.unpatch(exports),
      ),
    ];
  }

  private patch(exports: typeof ort): typeof ort {
    try {
      const Session = exports?.InferenceSession as InferenceSessionClass | undefined;
      if (typeof Session?.create !== 'function' || typeof Session.prototype?.run !== 'function') {
        this.warnOnce('shape', `InferenceSession.create or run not found; onnxruntime-node is not traced`);
        return exports;
      }
      if (!isWrapped(Session.create))
        this._wrap(Session, 'create', (original) => this.patchCreate(original as AnyMethod) as never);
      if (!isWrapped(Session.prototype.run)) {
        this._wrap(
          Session.prototype,
          'run',
          (original) =>
            this.tracedMethod(original as AnyMethod, {
              method: 'run',
              source: (session) => this.sourceOf(session),
              batch: (args) => batchSizeOf(args[0]),
              attributes: inputShapesAttribute(ATTR_ML_INPUT_SHAPES),
            }) as never,
        );
      }
    } catch (error) {
      this.warnOnce('patch', `patching onnxruntime-node failed; it is not traced`, error);
    }
    return exports;
  }

  private unpatch(exports: typeof ort): void {
    try {
      const Session = exports?.InferenceSession as InferenceSessionClass | undefined;
      if (Session === undefined) return;
      if (isWrapped(Session.create)) this._unwrap(Session, 'create');
      if (isWrapped(Session.prototype.run)) this._unwrap(Session.prototype, 'run');
    } catch (error) {
      this.warnOnce('unpatch', `unpatching onnxruntime-node failed`, error);
    }
  }

  /** Remembers the model file of each session created from a path. */
  private patchCreate(original: AnyMethod): AnyMethod {
    const locations = this.locations;
    return function create(this: unknown, ...args: unknown[]) {
      const created = original.apply(this, args);
      const location = args[0];
      if (
        typeof location === 'string' &&
        created !== null &&
        typeof (created as Promise<unknown>)?.then === 'function'
      ) {
        (created as Promise<unknown>).then(
          (session) => {
            if (session !== null && typeof session === 'object') locations.set(session, location);
          },
          () => undefined,
        );
      }
      return created;
    };
  }

  private sourceOf(session: object): ModelSource {
    const location = this.locations.get(session);
    return {
      runtime: 'onnxruntime',
      name: (location && baseName(location)) || DEFAULT_ONNX_MODEL_NAME,
      location,
      inputNames: namesOf(session, 'inputNames'),
      outputNames: namesOf(session, 'outputNames'),
    };
  }
}
