import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

// These run the built package as a user gets it, with `require` and with `import`.
const packageDir = join(__dirname, '..');
const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: packageDir, encoding: 'utf8' });
const lines = (out: string) =>
  out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

// An SDK tracer with async context, so that spans and predictions are really active.
const SDK = `
  const { context, trace } = require('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider());`;

/** Runs `body` as an ES module after {@link SDK}, with a `require` for the CommonJS builds. */
const runModule = (body: string) =>
  run([
    '--input-type=module',
    '-e',
    `import { createRequire } from 'node:module';
     const require = createRequire(process.cwd() + '/');
     ${SDK}
     ${body}`,
  ]);

test('the package is built before its exports are tested', () => {
  expect(existsSync(join(packageDir, 'dist', 'index.cjs')) && existsSync(join(packageDir, 'dist', 'index.mjs'))).toBe(
    true,
  );
});

test('require() of the built package gives a logger that writes the model inside a prediction', () => {
  const out = run([
    '-e',
    `${SDK}
     const { traced } = require('@modelsight/core');
     const { createLogger } = require('@modelsight/pino');
     const logger = createLogger();
     traced(() => logger.info('cjs'), { model: { name: 'm-cjs', version: '1' } })();`,
  ]);
  expect(lines(out)[0]).toMatchObject({
    msg: 'cjs',
    'ml.model.name': 'm-cjs',
    trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
  });
});

test('import of the built package gives a logger that writes the model inside a prediction', () => {
  const out = runModule(`
     const { traced } = await import('@modelsight/core');
     const { createLogger, predictionLogger, correlationMixin, DEFAULT_LOG_KEYS } = await import('@modelsight/pino');
     const logger = createLogger();
     traced(() => logger.info({ exports: [typeof predictionLogger, typeof correlationMixin, DEFAULT_LOG_KEYS.traceId] }, 'esm'), { model: { name: 'm-esm', version: '1' } })();`);
  expect(lines(out)[0]).toMatchObject({
    msg: 'esm',
    'ml.model.name': 'm-esm',
    exports: ['function', 'function', 'trace_id'],
  });
});

test('a logger from the CommonJS build sees a prediction made with the ESM build of core', () => {
  const out = runModule(`
     const { traced } = await import('@modelsight/core');
     const { createLogger } = require('@modelsight/pino');
     const logger = createLogger();
     traced(() => logger.info('mixed'), { model: { name: 'm-mixed', version: '1' } })();`);
  expect(lines(out)[0]).toMatchObject({ msg: 'mixed', 'ml.model.name': 'm-mixed' });
});
