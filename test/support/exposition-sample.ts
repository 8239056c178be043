/**
 * The value of one sample of a Prometheus text exposition, found by metric name and labels (in any order,
 * other labels allowed); `undefined` when no line matches.
 */
export function exposedSample(exposition: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const [, labelText = '', value = ''] = /^[^{]+\{(.*)\} (\S+)/.exec(line) ?? [];
    if (Object.entries(labels).every(([key, expected]) => labelText.includes(`${key}="${expected}"`)))
      return Number(value);
  }
  return undefined;
}
