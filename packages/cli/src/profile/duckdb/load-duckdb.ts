import { InputError } from '../../input/input-error';

/** The part of `@duckdb/node-api` the DuckDB engine uses. */
export type DuckDBModule = typeof import('@duckdb/node-api');

/**
 * Loads `@duckdb/node-api`, an optional dependency: only those who profile with DuckDB install it
 * (about 70 MB of native binaries).
 *
 * @throws InputError saying how to install it when it is not installed.
 */
export async function loadDuckDB(why: string): Promise<DuckDBModule> {
  try {
    return (await import('@duckdb/node-api')) as DuckDBModule;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new InputError(
        `${why} needs DuckDB, an optional dependency: install it beside @modelsight/cli with npm install @duckdb/node-api`,
      );
    }
    throw error;
  }
}
