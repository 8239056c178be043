// `node --require @modelsight/node/register app.js`: starts telemetry before the app loads anything.
// './index' is resolved at build time to the package's own CommonJS entry, so the app and the preload
// share one copy.
import { isMainThread } from 'node:worker_threads';

try {
  // Node runs preloads in worker threads too; telemetry belongs to the main thread (one SDK, one /metrics).
  if (isMainThread) {
    // Loaded inside the try: nothing the preload does, not even a broken install, may stop the service.
    const { start } = require('./index') as typeof import('./index');
    start();
  }
} catch (error) {
  console.warn(`@modelsight/node: telemetry not started: ${error instanceof Error ? error.message : String(error)}`);
}
