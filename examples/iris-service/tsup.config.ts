import { defineConfig } from 'tsup';

// The same source built twice, so the service runs under `--require` (dist/server.cjs)
// and under `--import` (dist/server.mjs). Dependencies stay external: the preload must
// see the very `pino` and `@modelsight/core` modules the service loads. The seeded random
// generator is built on its own too, for the demo's traffic to draw from the same one.
export default defineConfig({
  entry: { server: 'src/server.ts', 'seeded-random': 'src/model/seeded-random.ts' },
  format: ['cjs', 'esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  splitting: false,
  dts: false,
  outExtension: ({ format }) => ({ js: format === 'cjs' ? '.cjs' : '.mjs' }),
});
