// `node --require @modelsight/node/register app.js`: starts telemetry before the app loads anything.
// Resolved at build time to the package's own CommonJS entry, so the app and the preload share one copy.
import { isMainThread } from 'node:worker_threads';
import { start } from './index';

try {
  // Node runs preloads in worker threads too; telemetry belongs to the main thread (one SDK, one /metrics).
  if (isMainThread) start();
} catch (error) {
  // Nothing the preload does may stop the service from starting.
  console.warn(`@modelsight/node: telemetry not started: ${error instanceof Error ? error.message : String(error)}`);
}
