// `node --import @modelsight/node/register app.mjs`: registers the loader hook that lets instrumentations
// patch ES modules (`import http from 'node:http'`, `import pino from 'pino'`), then starts telemetry.
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

// Same key as in start.ts: set once telemetry runs in this process, by any copy of the package.
const INSTANCE_KEY = Symbol.for('@modelsight/node.instance.v1');
// The loader thread answers within milliseconds; far longer means it is not running.
const LOADER_ACK_TIMEOUT_MS = 5000;

let ready: Promise<void> | undefined;
try {
  // Node runs preloads in worker threads too; telemetry belongs to the main thread (one SDK, one /metrics),
  // and a worker should not pay for loading the bundled SDK.
  if (isMainThread) {
    // Loaded inside the try: nothing the preload does, not even a broken install, may stop the service.
    const { start } = await import('./index.js');
    const { createAddHookMessageChannel } = await import('import-in-the-middle');
    if ((globalThis as Record<symbol, unknown>)[INSTANCE_KEY] !== undefined) {
      // Started already (`--require` ran first): its instrumentations named their modules before any loader
      // listened, so the loader intercepts every module and lets the instrumentations pick theirs.
      register('import-in-the-middle/hook.mjs', import.meta.url);
      start();
    } else {
      // Only the modules an instrumentation asks for are intercepted; the rest load untouched.
      const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
      register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
      start();
      ready = waitForAllMessagesAcknowledged();
    }
  }
} catch (error) {
  // Nothing the preload does may stop the service from starting.
  console.warn(`@modelsight/node: telemetry not started: ${error instanceof Error ? error.message : String(error)}`);
}
// The app's own imports are resolved only after this module has finished: wait until the loader knows
// which modules to patch, or the first imports would slip through unpatched. The wait is bounded: a loader
// that never answers must not keep the app from starting (its imports then load unpatched).
if (ready) {
  let timer: NodeJS.Timeout | undefined;
  const acknowledged = await Promise.race([
    ready.then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), LOADER_ACK_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  if (!acknowledged) {
    console.warn(
      `@modelsight/node: the module loader did not answer within ${LOADER_ACK_TIMEOUT_MS} ms; ES modules imported now may not be instrumented`,
    );
  }
}
