import type { Options } from 'tsup';

/**
 * One build for every package: CommonJS (`.cjs`, `.d.cts`) and ESM (`.mjs`, `.d.mts`)
 * side by side, so that both `require` and `import` get code and types.
 */
export function packageBuild(entry: Record<string, string>): Options {
  return {
    entry,
    format: ['cjs', 'esm'],
    target: 'node20',
    platform: 'node',
    // Declarations are built per entry; project references are for `tsc -b` typechecking only.
    dts: { compilerOptions: { composite: false, incremental: false } },
    sourcemap: true,
    clean: true,
    splitting: false,
    shims: false,
    outExtension: ({ format }) => ({ js: format === 'cjs' ? '.cjs' : '.mjs' }),
  };
}
