import { diag, DiagConsoleLogger, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import type { LogLevelName } from '../types';
import { isAlreadyReported } from './warn-once';

const LEVELS: Record<LogLevelName, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

// Enough distinct messages for every cause seen in practice; past it, repeats are no longer filtered.
const MAX_REMEMBERED = 256;

/**
 * Sends `diag` to the console (stderr for warnings and errors) at `level`; without a logger OpenTelemetry
 * stays silent and a collector that cannot be reached would go unnoticed. Each distinct warning or error
 * is written once: the SDK reports a failed export on every batch, which would fill the service's logs
 * while a collector stays down.
 */
export function installDiagLogger(level: LogLevelName): void {
  // A logger the app installed itself stays: our messages then go through it, at its level.
  if (diagLoggerRegistered()) return;
  diag.setLogger(new OncePerMessageLogger(new DiagConsoleLogger()), {
    logLevel: LEVELS[level],
    suppressOverrideMessage: true,
  });
}

function diagLoggerRegistered(): boolean {
  const registry = (globalThis as Record<symbol, Record<string, unknown> | undefined>)[
    Symbol.for('opentelemetry.js.api.1')
  ];
  return registry?.['diag'] !== undefined;
}

class OncePerMessageLogger implements DiagLogger {
  private readonly seen = new Set<string>();

  constructor(private readonly inner: DiagLogger) {}

  error(message: string, ...args: unknown[]): void {
    if (isAlreadyReported(message)) return;
    if (this.first('error', message, args)) this.inner.error(message, ...args);
  }

  warn(message: string, ...args: unknown[]): void {
    if (this.first('warn', message, args)) this.inner.warn(message, ...args);
  }

  info(message: string, ...args: unknown[]): void {
    this.inner.info(message, ...args);
  }

  debug(message: string, ...args: unknown[]): void {
    this.inner.debug(message, ...args);
  }

  verbose(message: string, ...args: unknown[]): void {
    this.inner.verbose(message, ...args);
  }

  private first(level: string, message: string, args: unknown[]): boolean {
    if (this.seen.size >= MAX_REMEMBERED) return true;
    const key = `${level}:${message}:${args.map(describe).join('|')}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}
