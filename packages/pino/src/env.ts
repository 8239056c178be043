import { diag } from '@opentelemetry/api';

/** Reads a number in [0, 1] from the environment; a malformed value is reported once and ignored. */
export function envRatio(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    diag.warn(`@modelsight/pino: ignoring ${name}=${JSON.stringify(raw)}, expected a number in [0, 1]`);
    return undefined;
  }
  return value;
}

/** Reads `true`/`false` (also `1`/`0`) from the environment; anything else is reported once and ignored. */
export function envBoolean(name: string): boolean | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = raw.trim().toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  diag.warn(`@modelsight/pino: ignoring ${name}=${JSON.stringify(raw)}, expected true or false`);
  return undefined;
}

/** Reads a comma-separated list from the environment, without empty entries. */
export function envList(name: string): string[] {
  const raw = process.env[name];
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}
