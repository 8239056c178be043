import { buildProfile, type BuildProfileOptions, type DriftProfile, type FeatureProfile } from '@modelsight/drift';
import type { Table } from '../table/table';
import { featureRowsView } from './feature-rows-view';

/** Options of `buildProfile` that apply to every feature. */
export type ProfileSettings = Pick<
  BuildProfileOptions,
  'bins' | 'topK' | 'sampleSize' | 'maxOtherCategories' | 'edges'
>;

/**
 * The profile of the table's rows: `buildProfile` called on each column in turn, so that only one
 * column's row objects exist at a time. Each feature of `buildProfile`'s result depends on that
 * feature's values and the number of rows alone, so the result is the profile `buildProfile`
 * gives for all rows at once (but for `createdAt`).
 *
 * @param onFeature Called before each feature, for progress.
 */
export function profileFromTable(
  table: Table,
  settings: ProfileSettings,
  onFeature?: (index: number, count: number, name: string) => void,
): DriftProfile {
  const features: FeatureProfile[] = [];
  let createdAt: string | undefined;
  const columns = table.columns.filter((column) => column.kind !== 'empty');
  columns.forEach((column, i) => {
    onFeature?.(i, columns.length, column.feature);
    const name = column.feature;
    const options: BuildProfileOptions = {
      ...settings,
      features: [name],
      types: { [name]: column.kind as 'numeric' | 'categorical' },
      edges: settings.edges?.[name] === undefined ? undefined : { [name]: settings.edges[name] },
    };
    const profile = buildProfile(featureRowsView(column, table.rows), options);
    createdAt ??= profile.createdAt;
    features.push(...profile.features);
  });
  // With no column to profile, buildProfile still says what it would for these rows.
  const empty = buildProfile([], settings);
  return { ...empty, createdAt: createdAt ?? empty.createdAt, rows: table.rows, features };
}
