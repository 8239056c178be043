import { ATTR_ML_INPUT_SHAPES } from '@modelsight/core';
import { InstrumentationNodeModuleDefinition, isWrapped } from '@opentelemetry/instrumentation';
import type * as tfconverter from '@tensorflow/tfjs-converter';
import type * as tflayers from '@tensorflow/tfjs-layers';
import { batchSizeOf, inputShapesAttribute } from './input-shapes';
import { ModelInstrumentationBase, type AnyMethod, type MethodTracing } from './model-instrumentation-base';
import { baseName, namesOf } from './model-identity';
import type { ModelInstrumentationConfig, ModelSource } from './types';

/** `ml.model.name` of a graph model loaded from memory when no `modelName` option names it. */
export const DEFAULT_TFJS_GRAPH_MODEL_NAME = 'tfjs-graph-model';

// The TensorFlow.js packages that define the model classes; `@tensorflow/tfjs` requires both.
const SUPPORTED = ['>=3.0.0 <5'];

type Prototype = Record<string, unknown>;

/**
 * Traces TensorFlow.js predictions: `LayersModel.predict` (and `Sequential.predict`, which calls its inner
 * model: one span, not two), `GraphModel.predict` and `GraphModel.executeAsync` (which `predictAsync`
 * uses). One span `predict {model}` per user call with the attributes and metrics of `traced()`,
 * `ml.input.shapes`, and label and confidence read from the output tensor; an input of `k > 1` rows is a
 * batch of k predictions. The model name is the layers model's `name`, or the directory of a graph
 * model's `model.json`, unless `modelName` says otherwise.
 *
 * Short name `tfjs`. Works with `@tensorflow/tfjs` and `@tensorflow/tfjs-node`, which load the same
 * `@tensorflow/tfjs-layers` and `@tensorflow/tfjs-converter`; nothing is loaded until the app requires them.
 */
export class TfjsInstrumentation extends ModelInstrumentationBase {
  /** @throws TypeError naming the option and the value when one is invalid. */
  constructor(config: ModelInstrumentationConfig = {}) {
    super('tfjs', config);
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        '@tensorflow/tfjs-layers',
        SUPPORTED,
        (exports: typeof tflayers) =>
          this.patchClasses(exports, [
            ['LayersModel', ['predict']],
            ['Sequential', ['predict']],
          ]),
        (exports: typeof tflayers) =>
          this.unpatchClasses(exports, [
            ['LayersModel', ['predict']],
            ['Sequential', ['predict']],
          ]),
      ),
      new InstrumentationNodeModuleDefinition(
        '@tensorflow/tfjs-converter',
        SUPPORTED,
        (exports: typeof tfconverter) => this.patchClasses(exports, [['GraphModel', ['predict', 'executeAsync']]]),
        (exports: typeof tfconverter) => this.unpatchClasses(exports, [['GraphModel', ['predict', 'executeAsync']]]),
      ),
    ];
  }

  private patchClasses<T extends object>(exports: T, classes: [string, string[]][]): T {
    for (const [className, methods] of classes) {
      try {
        const prototype = (exports as Record<string, { prototype?: Prototype } | undefined>)[className]?.prototype;
        if (prototype === undefined) {
          this.warnOnce(`missing:${className}`, `${className} not found; its predictions are not traced`);
          continue;
        }
        for (const method of methods) {
          // Only the class's own method: Sequential's predict, not the LayersModel one it inherits.
          if (
            !Object.hasOwn(prototype, method) ||
            typeof prototype[method] !== 'function' ||
            isWrapped(prototype[method])
          )
            continue;
          const tracing = this.tracingOf(className, method);
          this._wrap(prototype, method, (original) => this.tracedMethod(original as AnyMethod, tracing) as never);
        }
      } catch (error) {
        this.warnOnce(`patch:${className}`, `patching ${className} failed; its predictions are not traced`, error);
      }
    }
    return exports;
  }

  private unpatchClasses(exports: object, classes: [string, string[]][]): void {
    for (const [className, methods] of classes) {
      try {
        const prototype = (exports as Record<string, { prototype?: Prototype } | undefined>)[className]?.prototype;
        if (prototype === undefined) continue;
        for (const method of methods) if (isWrapped(prototype[method])) this._unwrap(prototype, method);
      } catch (error) {
        this.warnOnce(`unpatch:${className}`, `unpatching ${className} failed`, error);
      }
    }
  }

  private tracingOf(className: string, method: string): MethodTracing {
    return {
      method: `${className}.${method}`,
      source: className === 'GraphModel' ? graphModelSource : layersModelSource,
      batch: (args) => batchSizeOf(args[0]),
      attributes: inputShapesAttribute(ATTR_ML_INPUT_SHAPES),
    };
  }
}

const ioNames = (model: object) => ({
  inputNames: namesOf(model, 'inputNames'),
  outputNames: namesOf(model, 'outputNames'),
});

function layersModelSource(model: object): ModelSource {
  const name = (model as { name?: unknown }).name;
  return {
    runtime: 'tfjs',
    name: typeof name === 'string' && name !== '' ? name : 'tfjs-model',
    location: undefined,
    ...ioNames(model),
  };
}

/** A graph model is named by its file, or by its directory when the file is the usual `model.json`. */
function graphModelSource(model: object): ModelSource {
  const url = (model as { modelUrl?: unknown }).modelUrl;
  if (typeof url !== 'string' || url === '')
    return { runtime: 'tfjs', name: DEFAULT_TFJS_GRAPH_MODEL_NAME, location: undefined, ...ioNames(model) };
  const file = baseName(url);
  const name = file === 'model' ? baseName(url.replace(/[\\/][^\\/]*$/, '')) : file;
  return { runtime: 'tfjs', name: name || DEFAULT_TFJS_GRAPH_MODEL_NAME, location: url, ...ioNames(model) };
}
