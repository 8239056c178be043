import { defineConfig, type Options } from 'tsup';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import { packageBuild } from '../../tsup.config.base';

// The OpenTelemetry SDK and the instrumentations are bundled into dist: loading ~900 small files costs a
// preloaded service about 350 ms at start-up, one bundled file about half of it (bench/preload-startup.mjs).
// Kept outside the bundle: the API (one global copy per process), @modelsight/core (its totals must be
// the ones traced() writes) and the module-hook packages (their loader thread talks to the copy in
// node_modules). Those are the package's dependencies (the API a peer); what is bundled is a
// devDependency, so that an app installs none of it.
const external = ['@opentelemetry/api', '@modelsight/core', 'import-in-the-middle', 'require-in-the-middle'];
const noExternal = [
  /^@opentelemetry\/(?!api$)/,
  /^@fastify\/otel$/,
  /^@modelsight\/instrumentations$/,
  /^protobufjs/,
  /^@protobufjs\//,
];

// Modules the NodeSDK imports for set-ups the preload never asks of it: it is always handed its span
// processors, its (empty) metric readers and log processors, so it never builds an exporter from the
// environment; OTLP/gRPC and Zipkin are not offered (the configuration refuses them); the SDK's own
// config-file start (`startNodeSDK`) is not used. Left out, they take ~2 MB and ~25 ms of start-up
// with them (gRPC, a YAML parser). Each is replaced by a module that throws when it is used.
const leftOut = [
  /^@opentelemetry\/exporter-(trace|metrics|logs)-otlp-grpc$/,
  /^@opentelemetry\/otlp-grpc-exporter-base$/,
  /^@grpc\/grpc-js$/,
  /^@opentelemetry\/exporter-zipkin$/,
  /^@opentelemetry\/exporter-logs-otlp-(http|proto)$/,
  /^@opentelemetry\/configuration$/,
  /^yaml$/,
];

/**
 * One copy of each OpenTelemetry package in the bundle: a dependency that asks for another minor version
 * (@fastify/otel wants @opentelemetry/instrumentation 0.222) gets the one this package is built with.
 */
function oneOpenTelemetryCopy(): Plugin {
  return {
    name: 'one-opentelemetry-copy',
    setup(build) {
      build.onResolve({ filter: /^@opentelemetry\// }, (args) => {
        if (args.path === '@opentelemetry/api' || args.pluginData === oneOpenTelemetryCopy) return undefined;
        return build.resolve(args.path, { kind: args.kind, resolveDir: __dirname, pluginData: oneOpenTelemetryCopy });
      });
    },
  };
}

/** Replaces the modules of `leftOut` (see above) by one that throws, naming the module, when it is used. */
function leaveOut(): Plugin {
  return {
    name: 'leave-out',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) =>
        leftOut.some((pattern) => pattern.test(args.path)) ? { path: args.path, namespace: 'left-out' } : undefined,
      );
      // sdk-node's config-file start, which loads @opentelemetry/configuration.
      build.onResolve({ filter: /^\.\/create-from-config$/ }, (args) =>
        /[\\/]@opentelemetry[\\/]sdk-node[\\/]/.test(args.importer)
          ? { path: '@opentelemetry/sdk-node/create-from-config', namespace: 'left-out' }
          : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
        loader: 'js',
        contents: `module.exports = new Proxy({}, { get(_, key) {
  if (typeof key === 'symbol' || key === '__esModule') return undefined;
  throw new Error(${JSON.stringify(`${args.path} is not part of the @modelsight/node bundle`)} + ' (used for ' + String(key) + ')');
} });`,
      }));
    },
  };
}

/**
 * Every import of `@opentelemetry/api` in the bundle reads its bindings from one module that takes them
 * from require() once, as constants. The API stays outside the bundle and is loaded with require() in
 * both builds: its 1.10 line ships separate CommonJS and ES module files, and the bundled CommonJS
 * packages load the former; with a second instance for the ES module code, the instrumentations would get
 * tracers from a proxy provider that is never registered, and their spans would never record.
 *
 * Left to esbuild, a namespace import of a CommonJS module (the SDK's `import * as api`), and in the ES
 * module build every import of it, reads each binding through one getter shared by every name, which V8
 * cannot inline: the SDK's `startSpan` made about ten such calls per span, on every request.
 */
function apiBindings(): Plugin {
  const api = createRequire(join(__dirname, 'package.json'))('@opentelemetry/api') as Record<string, unknown>;
  const names = Object.keys(api).filter((name) => name !== 'default' && name !== '__esModule');
  const contents = [
    "const api = require('@opentelemetry/api');",
    `export const { ${names.join(', ')} } = api;`,
    'export default api.default;',
  ].join('\n');
  return {
    name: 'api-bindings',
    setup(build) {
      build.onResolve({ filter: /^@opentelemetry\/api$/ }, (args) =>
        args.kind === 'import-statement'
          ? { path: args.path, namespace: 'api-bindings' }
          : { path: args.path, external: true },
      );
      build.onLoad({ filter: /.*/, namespace: 'api-bindings' }, () => ({ contents, loader: 'js' }));
    },
  };
}

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
  esbuildPlugins: [leaveOut(), oneOpenTelemetryCopy()],
});

/** The build of the package's index (see apiBindings). */
const indexBuild = (format: 'cjs' | 'esm'): Options => ({
  ...base({ index: 'src/index.ts' }, format),
  // Not external by name, so that the plugin decides how each import of the API is loaded.
  external: external.filter((name) => name !== '@opentelemetry/api'),
  noExternal: [...noExternal, /^@opentelemetry\/api$/],
  esbuildPlugins: [apiBindings(), leaveOut(), oneOpenTelemetryCopy()],
});

export default defineConfig([
  indexBuild('cjs'),
  {
    ...indexBuild('esm'),
    shims: true,
    // Bundled CommonJS code calls require() for Node's built-ins and for the instrumented modules.
    banner: {
      js: "import { createRequire as __modelsightCreateRequire } from 'node:module';\nconst require = __modelsightCreateRequire(import.meta.url);",
    },
  },
  { ...base({ register: 'src/register.ts' }, 'cjs'), esbuildPlugins: [ownIndex('index.cjs')] },
  // Started by both builds (final-span-export.ts) to export the last spans while the main thread waits.
  { ...base({ 'final-export-worker': 'src/shutdown/final-export-worker.ts' }, 'cjs'), dts: false },
  // Started by both builds (span-export-channel.ts): serializes and posts spans off the event loop.
  { ...base({ 'span-export-worker': 'src/traces/span-export-worker.ts' }, 'cjs'), dts: false },
  { ...base({ register: 'src/register-esm.mts' }, 'esm'), esbuildPlugins: [ownIndex('index.mjs')] },
]);
