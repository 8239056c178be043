import type { BuildProfileOptions, DriftProfile } from '@modelsight/drift';
import type { DataFileOptions } from '../input/data-file-options';
import { InputError } from '../input/input-error';
import { resolveFormat } from '../input/input-format';
import { readDataFile, requireColumns, roleColumns } from '../input/read-data-file';
import { profilePlanner } from '../table/column-planners';
import { buildProfileWithDuckDB } from './duckdb/profile-with-duckdb';
import { profileFromTable } from './profile-from-table';

/** How a profile is computed: see {@link ProfileFileOptions.engine}. */
export type ProfileEngine = 'stream' | 'duckdb';

/** The engines, as accepted by `--engine`. */
export const PROFILE_ENGINES: readonly ProfileEngine[] = ['stream', 'duckdb'];

/**
 * Options of {@link buildProfileFromFile}: how to read the file, which columns to keep, and the
 * options of `buildProfile` (`types`, `bins`, `edges`, `topK`, `sampleSize`, by column name).
 */
export interface ProfileFileOptions
  extends DataFileOptions,
    Pick<BuildProfileOptions, 'types' | 'bins' | 'edges' | 'topK' | 'sampleSize'> {
  /** Only these columns become features (besides the prediction outputs). @default every column */
  readonly features?: readonly string[];
  /** Columns left out. */
  readonly ignore?: readonly string[];
  /**
   * `stream`: the file is streamed in this process and its values held (8 bytes a number), `buildProfile`
   * on each column. `duckdb`: DuckDB (`@duckdb/node-api`, an optional dependency) reads the file out of core
   * on every core and computes the same profile in SQL, for files whose values do not fit in memory, and
   * for Parquet. @default `duckdb` for a Parquet file, else `stream`
   */
  readonly engine?: ProfileEngine;
}

/**
 * The reference profile of a CSV, JSON Lines or JSON file: `buildProfile` of `@modelsight/drift`
 * on its rows, read as streams (the file is never held in memory whole, only its values). A CSV
 * cell is a number when it reads as a decimal number, missing when it is empty or a missing-value
 * marker; JSON values keep their types. The prediction outputs become the features
 * `prediction.label` and `prediction.confidence`; the label column is left out.
 *
 * @throws InputError naming the file, the line and the column when the file cannot be read, is
 * malformed, or has a value that does not fit its column (options are named as the command line
 * spells them: `--type` for `types`).
 */
export async function buildProfileFromFile(file: string, options: ProfileFileOptions = {}): Promise<DriftProfile> {
  const named: [string, string | undefined][] = [
    ...roleColumns(options),
    ...(options.features ?? []).map((name): [string, string] => ['--features', name]),
    ...(options.ignore ?? []).map((name): [string, string] => ['--ignore', name]),
    ...Object.keys(options.types ?? {}).map((name): [string, string] => ['--type', name]),
    ...Object.keys(options.edges ?? {}).map((name): [string, string] => ['--edges', name]),
  ];
  const check = (sources: readonly string[]) => requireColumns(file, sources, named);
  const format = resolveFormat(file, options.format);
  const engine = options.engine ?? (format === 'parquet' ? 'duckdb' : 'stream');
  if (!(PROFILE_ENGINES as readonly string[]).includes(engine)) {
    throw new InputError(`--engine must be one of ${PROFILE_ENGINES.join(', ')}, got ${JSON.stringify(engine)}`);
  }
  if (engine === 'duckdb') {
    try {
      return await buildProfileWithDuckDB(file, format, options, check);
    } catch (error) {
      if (error instanceof TypeError || error instanceof RangeError) throw new InputError(error.message);
      throw error;
    }
  }
  if (format === 'parquet') throw new InputError(`${file} is a Parquet file: it is read with --engine duckdb`);
  const table = await readDataFile(file, options, profilePlanner(options), check);
  for (const column of table.columns) {
    if (column.kind === 'empty')
      options.onWarning?.(`column ${JSON.stringify(column.source)} holds no value: it is left out`);
  }
  let profile: DriftProfile;
  try {
    profile = profileFromTable(
      table,
      { bins: options.bins, topK: options.topK, sampleSize: options.sampleSize, edges: options.edges },
      (i, n, name) => options.progress?.step(`profiling ${name} (${i + 1} of ${n})`),
    );
  } catch (error) {
    // buildProfile refuses some options (edges for a categorical feature, ...), naming them.
    if (error instanceof TypeError || error instanceof RangeError) throw new InputError(error.message);
    throw error;
  }
  if (profile.features.length === 0) throw new InputError(`${file} has no column to profile`);
  return profile;
}
