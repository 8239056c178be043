// Small formatting helpers for the demo report.

export const pct = (part, whole) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '–');

export function seconds(value) {
  if (!Number.isFinite(value)) return '–';
  if (value < 1e-3) return `${(value * 1e6).toFixed(0)} µs`;
  if (value < 1) return `${(value * 1e3).toFixed(2)} ms`;
  return `${value.toFixed(2)} s`;
}

export const millis = (value) => seconds(value / 1000);

/** Left-aligned columns. */
export function table(rows, indent = '  ') {
  const widths = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, String(cell).length)));
  return rows
    .map(
      (row) =>
        indent +
        row
          .map((cell, i) => String(cell).padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

const LEVELS = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const SHOWN = [
  'ml.model.version',
  'ml.prediction.status',
  'ml.prediction.label',
  'ml.prediction.confidence',
  'ml.prediction.duration_ms',
  'reason',
  'status',
];

/** One pino line, shortened for the report: time, level, message, a few fields, the error. */
export function logLine(line) {
  const time = new Date(line.time).toISOString().slice(11, 23);
  const fields = SHOWN.filter((key) => line[key] !== undefined).map((key) => {
    const value = line[key];
    const shortKey = key.replace(/^ml\.(prediction|model)\./, '');
    return `${shortKey}=${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(3) : value}`;
  });
  const error = line.err ? `  ${line.err.type}: ${line.err.message}` : '';
  return `${time} ${(LEVELS[line.level] ?? line.level).padEnd(5)} ${line.msg}  ${fields.join(' ')}${error}`;
}
