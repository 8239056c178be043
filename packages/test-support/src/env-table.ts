/** One row of a table test of environment variables. */
export interface EnvCase {
  /** The variable. */
  readonly name: string;
  /** A value the package must reject; `undefined` for a variable that takes any value. */
  readonly bad: string | undefined;
  /** What the package uses when the value is rejected (its default). */
  readonly fallback: unknown;
}

/**
 * The one sentence of a bad value, as every package writes it: `<prefix>: NAME="value" is not valid
 * (expected …); using <default>` (the node package collects it without the prefix, then writes it prefixed).
 */
export function badValuePattern(name: string, bad: string, prefix?: string): RegExp {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const head = prefix === undefined ? '' : `${literal(prefix)}: `;
  return new RegExp(
    `^${head}${literal(name)}=${literal(JSON.stringify(bad))} is not valid \\(expected [^)]+\\); using .+$`,
  );
}
