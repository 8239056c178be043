import type { DuckDBConnection } from '@duckdb/node-api';
import type { CategoricalFeatureProfile } from '@modelsight/drift';

/** Settings of one categorical feature. */
export interface CategoricalSettings {
  readonly topK: number;
  readonly maxOtherCategories: number;
}

/** Where a categorical feature's values come from. */
export interface CategorySources {
  /** SQL of one column `category` (text), one row per value. */
  readonly texts: string;
  /**
   * SQL of one column `number` (DOUBLE) for numbers read as categories that have no text of their own
   * (JSON, Parquet): written as JavaScript writes them, as `buildProfile` writes a number given for a category.
   */
  readonly numbers?: string;
}

const byRank = (a: [string, number], b: [string, number]): number =>
  b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * The categorical feature `buildProfile` of `@modelsight/drift` builds, with the counting done in DuckDB:
 * only the categories that can rank among the kept ones (the top K and the named other categories, ties
 * included) reach JavaScript, where they are ranked exactly as `buildProfile` ranks them (by count, then in
 * code-unit order).
 */
export async function categoricalFeature(
  connection: DuckDBConnection,
  name: string,
  sources: CategorySources,
  counts: { readonly missing: number; readonly invalid: number; readonly rows: number },
  settings: CategoricalSettings,
): Promise<CategoricalFeatureProfile | undefined> {
  await connection.run(
    `CREATE OR REPLACE TABLE category_counts AS SELECT category, count(*)::BIGINT AS c FROM (${sources.texts}) GROUP BY category`,
  );
  try {
    const kept = settings.topK + settings.maxOtherCategories;
    const cutoff = await connection.runAndReadAll(
      `SELECT c FROM category_counts ORDER BY c DESC LIMIT 1 OFFSET ${kept - 1}`,
    );
    // Numbers merged in below can lift any text category of the same name: then every one is needed.
    const least = cutoff.getRows().length === 0 || sources.numbers !== undefined ? 0 : Number(cutoff.getRows()[0]?.[0]);
    const rows = await connection.runAndReadAll(
      `SELECT category, c, (SELECT sum(c) FROM category_counts) FROM category_counts WHERE c >= ${least}`,
    );
    const tally = new Map<string, number>();
    let count = 0;
    for (const [category, c, total] of rows.getRows()) {
      tally.set(String(category), Number(c));
      count = Number(total);
    }
    let invalid = counts.invalid;
    if (sources.numbers !== undefined) {
      const numbers = await connection.runAndReadAll(
        `SELECT number, count(*)::BIGINT FROM (${sources.numbers}) GROUP BY number`,
      );
      for (const [value, c] of numbers.getRows()) {
        const x = Number(value);
        if (!Number.isFinite(x)) {
          invalid += Number(c);
          continue;
        }
        const category = String(x);
        tally.set(category, (tally.get(category) ?? 0) + Number(c));
        count += Number(c);
      }
    }
    if (count === 0) return undefined;
    const ranked = [...tally.entries()].sort(byRank);
    const top = ranked.slice(0, settings.topK);
    const rest = ranked.slice(settings.topK);
    const topCount = top.reduce((s, [, c]) => s + c, 0);
    return {
      name,
      type: 'categorical',
      count,
      missing: counts.missing,
      invalid,
      missingRate: counts.rows === 0 ? 0 : counts.missing / counts.rows,
      categories: top.map(([category]) => category),
      proportions: [...top.map(([, c]) => c / count), (count - topCount) / count],
      otherCategories: rest.slice(0, settings.maxOtherCategories).map(([category]) => category),
    };
  } finally {
    await connection.run('DROP TABLE IF EXISTS category_counts');
  }
}
