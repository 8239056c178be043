import { OnnxRuntimeInstrumentation, TfjsInstrumentation, TransformersInstrumentation } from '@modelsight/instrumentations';
import type { Instrumentation } from '@opentelemetry/instrumentation';

// Constructing them loads no ML runtime: each only registers the module name it patches, and patches the
// runtime when the app requires or imports it.

/** The ML runtime instrumentations of the preload, by the short names of `OTEL_NODE_ENABLED_INSTRUMENTATIONS`. */
export const ML_INSTRUMENTATIONS = {
  onnxruntime: { instrumentationName: '@modelsight/instrumentation-onnxruntime', create: () => new OnnxRuntimeInstrumentation() },
  tfjs: { instrumentationName: '@modelsight/instrumentation-tfjs', create: () => new TfjsInstrumentation() },
  transformers: { instrumentationName: '@modelsight/instrumentation-transformers', create: () => new TransformersInstrumentation() },
} as const;

/**
 * One instance of each ML runtime instrumentation: `onnxruntime-node` sessions, TensorFlow.js models and
 * transformers.js pipelines become prediction spans and metrics like those of `traced()`.
 */
export function createMlInstrumentations(): Instrumentation[] {
  return Object.values(ML_INSTRUMENTATIONS).map((entry) => entry.create());
}
