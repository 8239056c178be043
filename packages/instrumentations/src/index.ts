export { OnnxRuntimeInstrumentation, DEFAULT_ONNX_MODEL_NAME } from './onnxruntime-instrumentation';
export { TfjsInstrumentation, DEFAULT_TFJS_GRAPH_MODEL_NAME } from './tfjs-instrumentation';
export { TransformersInstrumentation, DEFAULT_PIPELINE_MODEL_NAME } from './transformers-instrumentation';
export { UNKNOWN_VERSION } from './model-identity';
export { VERSION } from './version';
export { ENV_MODELS, ENV_MODELS_FILE, ENV_TRACE_ROOT_PREDICTIONS } from './config/env-config';
export type { ModelInstrumentationConfig, ModelMapping, ModelSource } from './types';
