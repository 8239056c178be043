export { captureDiag } from './capture-diag';
export type { DiagCapture } from './capture-diag';
export { memoryTracing, uniqueModel } from './memory-tracing';
export { normalGenerator, uniformGenerator } from './seeded-random';
export { waitUntil } from './wait-until';
export type { WaitUntilOptions } from './wait-until';
export { badValuePattern } from './env-table';
export type { EnvCase } from './env-table';
