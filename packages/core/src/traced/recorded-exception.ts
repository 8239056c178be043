import type { Exception } from '@opentelemetry/api';

/** What a failed prediction's span records of the error: its exception event and its status description. */
export interface RecordedException {
  readonly exception: Exception;
  readonly description: string;
}

/**
 * What goes on the span of a prediction that threw `error` (of class `type`).
 *
 * An error message often quotes the input that caused it (`petal_length must be >= 0, got -1.8`), and a
 * trace backend is not where inputs should end up unasked. Without `withMessage`, the span gets the
 * exception type and the stack frames, and the type as status description; the message stays with the
 * error the caller receives. With it, the error is recorded as OpenTelemetry records it.
 */
export function recordedException(error: unknown, type: string, withMessage: boolean): RecordedException {
  if (withMessage) {
    return {
      exception: error !== null && typeof error === 'object' ? (error as Exception) : String(error),
      description: error instanceof Error ? error.message : String(error),
    };
  }
  const stack = error instanceof Error ? framesOf(error) : undefined;
  return {
    exception: stack === undefined ? { name: type } : { name: type, stack: `${type}${stack}` },
    description: type,
  };
}

/**
 * The stack of `error` without its first line, which V8 writes as `${name}: ${message}` when the error is
 * created. When that line cannot be found exactly (the message was changed since, or the stack was
 * replaced), no stack is kept: a message can span lines and look like frames.
 */
function framesOf(error: Error): string | undefined {
  try {
    const stack = error.stack;
    if (typeof stack !== 'string') return undefined;
    const message = typeof error.message === 'string' ? error.message : '';
    const header = message === '' ? String(error.name) : `${String(error.name)}: ${message}`;
    return stack.startsWith(header) ? stack.slice(header.length) : undefined;
  } catch {
    // A getter of the user's error threw: record the type only.
    return undefined;
  }
}
