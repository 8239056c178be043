import { defineConfig } from 'tsup';

// The same source built twice, so the service runs under `--require` (dist/server.cjs)
// and under `--import` (dist/server.mjs). Dependencies stay external: the preload must
// see the very `pino` and `@modelsight/core` modules the service loads.
export default defineConfig({
  entry: { server: 'src/server.ts' },
  format: ['cjs', 'esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  splitting: false,
  dts: false,
  outExtension: ({ format }) => ({ js: format === 'cjs' ? '.cjs' : '.mjs' }),
});
