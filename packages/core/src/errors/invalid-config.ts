import { diag } from '@opentelemetry/api';

/** A value as an error message shows it: strings quoted, arrays in brackets (an empty one stays visible). */
export function showValue(value: unknown): string {
  try {
    if (typeof value === 'string') return JSON.stringify(value);
    if (Array.isArray(value)) return `[${value.map(showValue).join(', ')}]`;
    return String(value);
  } catch {
    return typeof value;
  }
}

const warned = new Set<string>();

/**
 * Reports an environment variable whose value cannot be used, once per variable and value. The caller
 * then uses the default: a deployment's typo must not stop the service (as the OpenTelemetry SDK treats
 * its own variables), while an invalid option in code is still a `TypeError` at setup.
 */
export function warnInvalidEnv(name: string, raw: string, expected: string): void {
  const key = `${name}=${raw}`;
  if (warned.has(key)) return;
  warned.add(key);
  diag.warn(
    `modelsight: environment variable ${name} must be ${expected}; got ${JSON.stringify(raw)}. The default is used`,
  );
}
