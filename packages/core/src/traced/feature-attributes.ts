import type { Span } from '@opentelemetry/api';
import { ATTR_ML_FEATURE_PREFIX } from '../semconv';

/**
 * Puts captured features on a span as `ml.feature.<name>`. Redacted names never reach the span;
 * strings are cut to `maxLength`; values that are not primitives are left off rather than
 * serialised, so that no nested payload leaks into traces.
 */
export function setFeatureAttributes(
  span: Span,
  features: Record<string, unknown>,
  redact: ReadonlySet<string>,
  maxLength: number,
): void {
  for (const name of Object.keys(features)) {
    if (redact.has(name)) continue;
    const value = features[name];
    const key = ATTR_ML_FEATURE_PREFIX + name;
    switch (typeof value) {
      case 'number':
        if (Number.isFinite(value)) span.setAttribute(key, value);
        break;
      case 'boolean':
        span.setAttribute(key, value);
        break;
      case 'string':
        span.setAttribute(key, value.length > maxLength ? value.slice(0, maxLength) : value);
        break;
      case 'bigint':
        span.setAttribute(key, value.toString().slice(0, maxLength));
        break;
      default:
        break;
    }
  }
}
