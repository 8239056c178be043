/** A column name as a SQL identifier: `"prediction.label"`, quotes doubled. */
export const identifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Text as a SQL string literal, quotes doubled. */
export const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/**
 * A double as SQL: its shortest round-trip decimal text cast to DOUBLE, which DuckDB parses to the same
 * double (a bare `0.15` would be a DECIMAL first).
 */
export const doubleLiteral = (x: number): string => `${literal(String(x))}::DOUBLE`;

/** A JSON path to a top-level key, whatever characters the key has: `$."prediction.label"`. */
export const jsonKeyPath = (key: string): string => literal(`$.${JSON.stringify(key)}`);
