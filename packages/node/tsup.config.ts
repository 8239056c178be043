import { defineConfig, type Options } from 'tsup';
import type { Plugin } from 'esbuild';
import { packageBuild } from '../../tsup.config.base';

// The OpenTelemetry SDK is bundled into dist: loading ~900 small files costs a preloaded service about
// 350 ms at start-up, one bundled file about half of it (bench/preload-startup.mjs).
// The ML runtime instrumentations are bundled too, on the bundle's copy of @opentelemetry/instrumentation.
// Kept outside the bundle: the API (one global copy per process), @modelsight/core (its totals must be
// the ones traced() writes) and the module-hook packages (their loader thread talks to the copy in
// node_modules).
const external = ['@opentelemetry/api', '@modelsight/core', 'import-in-the-middle', 'require-in-the-middle'];
const noExternal = [/^@opentelemetry\/(?!api$)/, /^@grpc\//, /^protobufjs/, /^@protobufjs\//, /^@modelsight\/instrumentations$/];

/** The register entries load the package's own index from dist instead of bundling a second copy. */
function ownIndex(file: string): Plugin {
  return {
    name: 'own-index',
    setup(build) {
      build.onResolve({ filter: /^\.\/index(\.js)?$/ }, () => ({ path: `./${file}`, external: true }));
    },
  };
}

const base = (entry: Record<string, string>, format: 'cjs' | 'esm'): Options => ({
  ...packageBuild(entry),
  format: [format],
  clean: false,
  sourcemap: false,
  external,
  noExternal,
});

export default defineConfig([
  base({ index: 'src/index.ts' }, 'cjs'),
  {
    ...base({ index: 'src/index.ts' }, 'esm'),
    shims: true,
    // Bundled CommonJS code calls require() for Node's built-ins and for the instrumented modules.
    banner: { js: "import { createRequire as __modelsightCreateRequire } from 'node:module';\nconst require = __modelsightCreateRequire(import.meta.url);" },
  },
  { ...base({ register: 'src/register.ts' }, 'cjs'), esbuildPlugins: [ownIndex('index.cjs')] },
  { ...base({ register: 'src/register-esm.mts' }, 'esm'), esbuildPlugins: [ownIndex('index.mjs')] },
]);
