import type { DuckDBConnection } from '@duckdb/node-api';
import { type BucketGrid, bucketGrid, FIRST_BITS, MAX_BITS } from './bucket-grid';
import { doubleLiteral } from './sql-text';

/** What is known of a column before its order statistics: from one pass over the file. */
export interface ColumnSummary {
  /** Its column in the relation `numbers`: the finite values, NULL elsewhere. */
  readonly column: string;
  /** Finite values. */
  readonly n: number;
  /** Smallest and largest finite value (either zero when the extreme is a zero: see {@link OrderStatistics}). */
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Values below zero, and zeros with their sign bit set (−0): where −0 and +0 fall in sorted order. */
  readonly negatives: number;
  readonly negativeZeros: number;
}

/** The order statistics asked of one column: positions (ranks, 0 to n−1) in the ascending finite values. */
export interface RankRequests {
  /** Ranks whose value is needed. */
  readonly values: readonly number[];
  /** Ranks whose whole group of equal values is needed ({@link ValueGroup}). */
  readonly groups: readonly number[];
}

/** The group of equal values holding a rank: ranks `[start, end)`, and the distinct values either side. */
export interface ValueGroup {
  readonly value: number;
  readonly start: number;
  readonly end: number;
  /** The value at rank `start − 1`; undefined when `start` is 0. */
  readonly before: number | undefined;
  /** The value at rank `end`; undefined when `end` is n. */
  readonly after: number | undefined;
}

/** The answers for one column. */
export interface OrderStatistics {
  /** The value at each rank asked (and at each rank of a group asked). */
  readonly values: ReadonlyMap<number, number>;
  readonly groups: ReadonlyMap<number, ValueGroup>;
  /**
   * Sum of squared deviations from the mean, summed by DuckDB per bucket in the first pass (Kahan–Babuška);
   * +∞ when it overflows, as a plain sum does.
   */
  readonly squares: number;
}

/**
 * How a needed bucket is read again. One read as its distinct values costs a row per value, whether the
 * rank asked of it is one or many: a bucket holding at most 64 values per rank it must answer is read so; a
 * larger one is split in about √(count · ranks) smaller buckets, at most 64 per rank (at least 8, at most
 * 2^16), which costs a row per non-empty smaller bucket now and, in the next pass, the values of the few
 * holding a rank. The rows read thus stay a few dozen per rank and pass, however many values the buckets hold
 * and whether they repeat (a smaller bucket of one repeated value is answered at once).
 */
export interface RefineLimits {
  /** Values per asked rank up to which a bucket is read as its values. Default 64. */
  readonly readPerRank?: number;
  /** Bits of the first level of buckets. Default {@link FIRST_BITS} (65,536 buckets). */
  readonly firstBits?: number;
}

const READ_PER_RANK = 64;
const SPLIT_PER_RANK = 64;
const MIN_SPLIT_BITS = 3;
const MAX_SPLIT_BITS = 16;

/** What the search read: for measuring that it reads little, not needed by the profile. */
export interface RefineTrace {
  /** Passes over the values after the first (one per depth of refinement). */
  passes: number;
  /** Rows of buckets and distinct values that the passes after the first produced. */
  rows: number;
}

/** A bucket, with its place in sorted order, as the table `cells` holds it. */
interface Cell {
  readonly count: number;
  readonly lo: number;
  readonly hi: number;
  readonly below: number;
  readonly before: number | undefined;
  readonly after: number | undefined;
  /** Depth of the grid its smaller buckets are counted at (bits). */
  readonly bits: number;
}

const numberOrUndefined = (x: unknown): number | undefined => (x === null ? undefined : Number(x));

// Ranks of a cell's rows in sorted order: `below` counts the values of every cell before it, its siblings'
// from the running sum, the rest from its parent's; `before`/`after` are the largest value of the previous
// cell and the smallest of the next, from its siblings or else from its parent's neighbours. A cell keeps its
// first-level bucket (`top`), by which a later pass finds its values, and the depth it was split at.
const CELLS_OF_CHILDREN = `CREATE OR REPLACE TABLE cells AS SELECT g.col, p.top, g.c, g.lo, g.hi,
  p.below + sum(g.c) OVER w - g.c AS below,
  coalesce(lag(g.hi) OVER w, p.before) AS before,
  coalesce(lead(g.lo) OVER w, p.after) AS after,
  p.child_bits AS bits
FROM groups g JOIN refine p ON g.col = p.col AND g.parent = p.lo
WINDOW w AS (PARTITION BY g.col, g.parent ORDER BY g.lo ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;

/**
 * Exact order statistics of several columns at once, without sorting: the values at given ranks, and the
 * groups of equal values holding given ranks, as `Float64Array.prototype.sort` would order the values
 * (−0 before +0), found by refining histograms.
 *
 * 1. One pass over `numbers` counts every column's values per bucket of an equal-width grid (2^16 buckets
 *    between its minimum and maximum; {@link bucketGrid}) with the smallest and largest value of each, and
 *    sums the squared deviations from the mean on the way (two passes in all, as accurate as `buildProfile`'s).
 *    Running sums of the counts give every bucket's first rank, so a rank falls in a known bucket.
 * 2. A rank is answered when its bucket holds one distinct value (smallest = largest), or, for a value, when
 *    it is the bucket's first or last rank. Otherwise one more pass reads only the buckets still needed,
 *    of every column at once: a bucket holding few values for the ranks it must answer is read as its
 *    distinct values with their counts, a larger one is split in smaller buckets of a finer grid
 *    ({@link RefineLimits}); at the finest grid (2^48 buckets) a bucket is read whatever its size. Every pass
 *    keeps DuckDB's results in tables; only the buckets that hold an asked rank reach JavaScript.
 *
 * Buckets are told apart by their smallest and largest values, which are values of the column, never by
 * recomputing bucket boundaries, so that floating-point rounding cannot move a value between two passes.
 * DuckDB holds −0 and +0 equal; their order is put back from the counts of negative values and of −0s.
 */
export async function orderStatistics(
  connection: DuckDBConnection,
  columns: readonly ColumnSummary[],
  requests: readonly RankRequests[],
  limits: RefineLimits = {},
  trace: RefineTrace = { passes: 0, rows: 0 },
): Promise<OrderStatistics[]> {
  const readPerRank = limits.readPerRank ?? READ_PER_RANK;
  const firstBits = limits.firstBits ?? FIRST_BITS;
  const grids = columns.map((c) => bucketGrid(c.min, c.max));
  const values = columns.map(() => new Map<number, number>());
  const groups = columns.map(() => new Map<number, ValueGroup>());
  await connection.run(
    `CREATE OR REPLACE TABLE groups AS ${columns.map((c, i) => firstLevel(i, c, grids[i] as BucketGrid, firstBits)).join(' UNION ALL ')}`,
  );
  await connection.run(`CREATE OR REPLACE TABLE cells AS SELECT col, key AS top, c, lo, hi,
    sum(c) OVER w - c AS below, lag(hi) OVER w AS before, lead(lo) OVER w AS after, ${firstBits} AS bits
    FROM groups WINDOW w AS (PARTITION BY col ORDER BY lo ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`);
  // Kahan–Babuška summation gives NaN where the sum overflows (∞ − ∞ in its correction); the terms are
  // never negative, so NaN means +∞.
  const summed = await connection.runAndReadAll('SELECT col, fsum(sq) FROM groups GROUP BY col');
  const squares = new Map(
    summed.getRows().map((r) => [Number(r[0]), Number.isNaN(Number(r[1])) ? Infinity : Number(r[1])]),
  );
  // Each asked rank once per column: a group request answers its value as well.
  const pending = requests.map((r) => ({
    groups: new Set(r.groups),
    values: new Set(r.values.filter((rank) => !r.groups.includes(rank))),
  }));
  // Each pass either reads values (answering every rank it holds) or splits with at least MIN_SPLIT_BITS more.
  const maxPasses = Math.ceil((MAX_BITS - firstBits) / MIN_SPLIT_BITS) + 1;
  try {
    for (let pass = 0; ; pass++) {
      const asked = pending.flatMap((p, col) => [...p.groups, ...p.values].map((rank) => `(${col}, ${rank})`));
      if (asked.length === 0) break;
      if (pass > maxPasses)
        throw new Error('order statistics: buckets still hold several values after the finest grid');
      const located = await locate(connection, asked);
      // The cells to read again, with the ranks each must still answer.
      const refine = new Map<string, { col: number; cell: Cell; ranks: number }>();
      for (const { col, rank, cell } of located) {
        const column = pending[col] as { groups: Set<number>; values: Set<number> };
        const isGroup = column.groups.has(rank);
        if (cell.lo === cell.hi) {
          // One distinct value: the cell is the whole group (equal values share every bucket).
          values[col]?.set(rank, cell.lo);
          if (isGroup) {
            groups[col]?.set(rank, {
              value: cell.lo,
              start: cell.below,
              end: cell.below + cell.count,
              before: cell.before,
              after: cell.after,
            });
            column.groups.delete(rank);
          } else column.values.delete(rank);
        } else if (!isGroup && (rank === cell.below || rank === cell.below + cell.count - 1)) {
          values[col]?.set(rank, rank === cell.below ? cell.lo : cell.hi);
          column.values.delete(rank);
        } else {
          const key = `${col}:${cell.below}`;
          const entry = refine.get(key);
          if (entry) entry.ranks++;
          else refine.set(key, { col, cell, ranks: 1 });
        }
      }
      if (refine.size === 0) continue;
      const rows = [...refine.values()].map(({ col, cell, ranks }) => {
        const readValues = cell.count <= readPerRank * ranks || cell.bits >= MAX_BITS;
        const split = Math.ceil(Math.log2(Math.min(Math.sqrt(cell.count * ranks), SPLIT_PER_RANK * ranks)));
        const bits = Math.min(MAX_BITS, cell.bits + Math.min(MAX_SPLIT_BITS, Math.max(MIN_SPLIT_BITS, split)));
        const factor = readValues ? 'NULL' : doubleLiteral((grids[col] as BucketGrid).factor(bits));
        return `(${col}, ${cell.below}, ${readValues}, ${readValues ? cell.bits : bits}, ${factor})`;
      });
      await connection.run(
        `CREATE OR REPLACE TABLE refine AS SELECT cells.*, x.read_values, x.child_bits, x.factor FROM cells JOIN (VALUES ${rows.join(', ')}) x(col, below, read_values, child_bits, factor) ON cells.col = x.col AND cells.below = x.below`,
      );
      const refined = new Set([...refine.values()].map((r) => r.col));
      const branches = columns.flatMap((c, i) =>
        refined.has(i) ? [nextLevel(i, c, grids[i] as BucketGrid, firstBits)] : [],
      );
      await connection.run(`CREATE OR REPLACE TABLE groups AS ${branches.join(' UNION ALL ')}`);
      await connection.run(CELLS_OF_CHILDREN);
      const produced = await connection.runAndReadAll('SELECT count(*) FROM groups');
      trace.passes++;
      trace.rows += Number(produced.getRows()[0]?.[0] ?? 0);
    }
  } finally {
    for (const table of ['groups', 'cells', 'refine']) await connection.run(`DROP TABLE IF EXISTS ${table}`);
  }
  return columns.map((c, i) =>
    signed(c, values[i] as Map<number, number>, groups[i] as Map<number, ValueGroup>, squares.get(i) ?? 0),
  );
}

/** First pass: every column's values per bucket of the first level, with their squared deviations from the mean. */
function firstLevel(col: number, c: ColumnSummary, grid: BucketGrid, bits: number): string {
  const deviation = `(v - ${doubleLiteral(c.mean)})`;
  return `SELECT ${col} AS col, ${grid.bucketOf('v', bits)} AS key, count(*) AS c, min(v) AS lo, max(v) AS hi, fsum(${deviation} * ${deviation}) AS sq FROM (SELECT ${c.column} AS v FROM numbers WHERE ${c.column} IS NOT NULL) GROUP BY key`;
}

/**
 * A later pass over one column: the values of the cells listed in `refine` (found by their first-level bucket
 * and, exactly, by their smallest and largest value), counted per bucket of the cell's finer grid, or per
 * distinct value (−0 counted with +0).
 */
function nextLevel(col: number, c: ColumnSummary, grid: BucketGrid, firstBits: number): string {
  return `SELECT ${col} AS col, p.lo AS parent, CASE WHEN p.read_values THEN (CASE WHEN s.v = 0 THEN 0::DOUBLE ELSE s.v END) ELSE floor(s.o * p.factor) END AS key, count(*) AS c, min(s.v) AS lo, max(s.v) AS hi
    FROM (SELECT v, o, floor(o * ${doubleLiteral(grid.factor(firstBits))}) AS top FROM (SELECT ${c.column} AS v, ${grid.offset(c.column)} AS o FROM numbers WHERE ${c.column} IS NOT NULL)) s
    JOIN (SELECT * FROM refine WHERE col = ${col}) p ON s.top = p.top AND s.v BETWEEN p.lo AND p.hi
    GROUP BY ALL`;
}

/** The cell holding each asked `(col, rank)`. */
async function locate(
  connection: DuckDBConnection,
  asked: readonly string[],
): Promise<{ col: number; rank: number; cell: Cell }[]> {
  await connection.run(`CREATE OR REPLACE TABLE asked AS SELECT * FROM (VALUES ${asked.join(', ')}) q(col, rank)`);
  try {
    const result = await connection.runAndReadAll(
      'SELECT q.col, q.rank, c.c, c.lo, c.hi, c.below, c.before, c.after, c.bits FROM asked q ASOF JOIN cells c ON q.col = c.col AND q.rank >= c.below',
    );
    return result.getRows().map((r) => {
      const cell = {
        count: Number(r[2]),
        lo: Number(r[3]),
        hi: Number(r[4]),
        below: Number(r[5]),
        before: numberOrUndefined(r[6]),
        after: numberOrUndefined(r[7]),
        bits: Number(r[8]),
      };
      const rank = Number(r[1]);
      if (rank >= cell.below + cell.count) throw new Error(`order statistics: rank ${rank} is in no bucket`);
      return { col: Number(r[0]), rank, cell };
    });
  } finally {
    await connection.run('DROP TABLE IF EXISTS asked');
  }
}

/**
 * The answers with the sign of each zero as a sort of the values orders them: the zeros take ranks
 * `[negatives, negatives + zeros)`, the −0s first.
 */
function signed(
  c: ColumnSummary,
  values: Map<number, number>,
  groups: Map<number, ValueGroup>,
  squares: number,
): OrderStatistics {
  const at = (rank: number, x: number): number => (x !== 0 ? x : rank < c.negatives + c.negativeZeros ? -0 : 0);
  const signedValues = new Map([...values].map(([rank, x]) => [rank, at(rank, x)]));
  const signedGroups = new Map(
    [...groups].map(([rank, g]) => [
      rank,
      {
        ...g,
        value: at(rank, g.value),
        before: g.before === undefined ? undefined : at(g.start - 1, g.before),
        after: g.after === undefined ? undefined : at(g.end, g.after),
      },
    ]),
  );
  return { values: signedValues, groups: signedGroups, squares };
}
