import type { DuckDBConnection } from '@duckdb/node-api';
import { doubleLiteral } from './sql-text';

/**
 * For features given explicit edges: how many finite values lie below each edge, every such column of
 * `numbers` counted in one pass. (Computed edges need no pass: their counts follow from their ranks.)
 */
export async function valuesBelowEdges(
  connection: DuckDBConnection,
  columns: readonly { readonly column: string; readonly edges: readonly number[] }[],
): Promise<number[][]> {
  if (columns.length === 0) return [];
  const parts = columns.flatMap(({ column, edges }) =>
    edges.map((edge) => `count(*) FILTER (WHERE ${column} < ${doubleLiteral(edge)})`),
  );
  const result = await connection.runAndReadAll(`SELECT ${parts.join(', ')} FROM numbers`);
  const row = (result.getRows()[0] as unknown[]).map(Number);
  let at = 0;
  return columns.map(({ edges }) => edges.map(() => row[at++] as number));
}
