import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

// The built package as a user gets it, with `require` and with `import`.
const packageDir = join(__dirname, '..');
const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: packageDir, encoding: 'utf8' });
const built = existsSync(join(packageDir, 'dist', 'index.cjs')) && existsSync(join(packageDir, 'dist', 'index.mjs'));

test('the package is built before its exports are tested', () => {
  expect(built).toBe(true);
});

test('require() gives the three instrumentations, and constructing them loads no runtime', () => {
  const out = run([
    '-e',
    `const m = require('@modelsight/instrumentations');
     const all = [new m.OnnxRuntimeInstrumentation(), new m.TfjsInstrumentation(), new m.TransformersInstrumentation()];
     const loaded = Object.keys(require.cache).filter((f) => /onnxruntime|@tensorflow|@huggingface/.test(f));
     console.log(JSON.stringify({ names: all.map((i) => i.instrumentationName), loaded }));`,
  ]);
  expect(JSON.parse(out)).toEqual({
    names: [
      '@modelsight/instrumentation-onnxruntime',
      '@modelsight/instrumentation-tfjs',
      '@modelsight/instrumentation-transformers',
    ],
    loaded: [],
  });
});

test('import gives the same instrumentations', () => {
  const out = run([
    '--input-type=module',
    '-e',
    `import { OnnxRuntimeInstrumentation, TfjsInstrumentation, TransformersInstrumentation, UNKNOWN_VERSION } from '@modelsight/instrumentations';
     console.log([new OnnxRuntimeInstrumentation({ enabled: false }), new TfjsInstrumentation({ enabled: false }), new TransformersInstrumentation({ enabled: false })].map((i) => i.instrumentationVersion).join(' '), UNKNOWN_VERSION);`,
  ]);
  expect(out.trim()).toBe('0.1.0 0.1.0 0.1.0 unknown');
});
