import type { InstrumentationTable } from './instrumentations';

// Each factory loads @modelsight/instrumentations when it is called, as the other entries of the table do.
// Constructing an instrumentation loads no ML runtime either: it registers the module name it patches, and
// patches the runtime when the app requires or imports it.
type MlInstrumentations = typeof import('@modelsight/instrumentations');
const load = () => require('@modelsight/instrumentations') as MlInstrumentations;

/**
 * The ML runtime instrumentations of the preload, by the short names of `OTEL_NODE_ENABLED_INSTRUMENTATIONS`:
 * `onnxruntime-node` sessions, TensorFlow.js models and transformers.js pipelines become prediction spans
 * and metrics like those of `traced()`.
 */
export const ML_INSTRUMENTATIONS: InstrumentationTable = {
  onnxruntime: {
    kind: 'traces',
    instrumentationName: '@modelsight/instrumentation-onnxruntime',
    create: () => new (load().OnnxRuntimeInstrumentation)(),
  },
  tfjs: {
    kind: 'traces',
    instrumentationName: '@modelsight/instrumentation-tfjs',
    create: () => new (load().TfjsInstrumentation)(),
  },
  transformers: {
    kind: 'traces',
    instrumentationName: '@modelsight/instrumentation-transformers',
    create: () => new (load().TransformersInstrumentation)(),
  },
};
