import type { FeatureType } from '@modelsight/drift';
import { InputError } from '../input/input-error';
import { Column } from './column';

/** What becomes of one column of the file: the feature it feeds, and its type when declared. */
export interface ColumnPlan {
  readonly feature: string;
  readonly type?: FeatureType;
  /** Where the declared type comes from, for messages. */
  readonly typeFrom?: string;
}

/** Decides, from a column's name in the file, whether it is kept and as what; undefined skips it. */
export type ColumnPlanner = (source: string) => ColumnPlan | undefined;

/**
 * The kept columns of a data file, filled row by row by a reader. Columns first seen after some
 * rows (a key that appears late in JSON Lines) are filled with missing values for the rows before.
 */
export class Table {
  /** Kept columns, in the order their names first appeared. */
  readonly columns: Column[] = [];
  /** Every column name seen in the file, kept or not, in order of appearance. */
  readonly sources: string[] = [];
  rows = 0;
  private readonly bySource = new Map<string, Column | null>();
  private readonly byFeature = new Map<string, Column>();

  constructor(private readonly planner: ColumnPlanner) {}

  /** The kept column named `source` in the file, created on first sight; undefined when skipped. */
  column(source: string): Column | undefined {
    const known = this.bySource.get(source);
    if (known !== undefined) return known ?? undefined;
    this.sources.push(source);
    const plan = this.planner(source);
    if (plan === undefined) {
      this.bySource.set(source, null);
      return undefined;
    }
    const other = this.byFeature.get(plan.feature);
    if (other !== undefined) {
      throw new InputError(
        `columns ${JSON.stringify(other.source)} and ${JSON.stringify(source)} would both be the feature ${JSON.stringify(plan.feature)}`,
      );
    }
    const column = new Column(source, plan.feature, plan.type, plan.typeFrom);
    for (let i = 0; i < this.rows; i++) column.pushMissing();
    this.columns.push(column);
    this.bySource.set(source, column);
    this.byFeature.set(plan.feature, column);
    return column;
  }

  /** The kept column that feeds `feature`. */
  columnOf(feature: string): Column | undefined {
    return this.byFeature.get(feature);
  }

  /** The kept column named `source` in the file, if it was seen. */
  columnBySource(source: string): Column | undefined {
    return this.bySource.get(source) ?? undefined;
  }

  /** Ends a row: columns that got no value in it get a missing one. */
  endRow(): void {
    this.rows++;
    const columns = this.columns;
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i] as Column;
      if (column.length < this.rows) column.pushMissing();
    }
  }
}
