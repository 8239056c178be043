import {
  type Env,
  type EnvSource,
  readBoolean,
  readEnum,
  readInteger,
  readList,
  readRatio,
  readString,
  readUrl,
} from '@modelsight/internal';

/** The package's name, the prefix of its warnings. */
export const NODE = '@modelsight/node';

/**
 * Reads the preload's variables with the shared reader and its one policy: a bad value adds one sentence
 * (`NAME="value" is not valid (expected …); using <default>`) to `warnings`, and the default is used. The
 * preload writes the sentences through `diag.warn` once its logger is set (`OTEL_LOG_LEVEL` is one of them),
 * once per process, whichever package read the variable first.
 */
export class NodeEnvReader {
  private readonly source: EnvSource;

  constructor(
    readonly vars: Env,
    readonly warnings: string[],
  ) {
    this.source = { vars, warn: (message) => warnings.push(message) };
  }

  /** The source, for the readers shared with `@modelsight/core`. */
  get envSource(): EnvSource {
    return this.source;
  }

  /** The trimmed value, or `undefined` when unset or blank (blank means unset in the OTel spec). */
  string(name: string): string | undefined {
    return readString(this.source, name, undefined);
  }

  /** A comma-separated list of names, without blanks or repeats; empty when unset. */
  names(name: string): string[] {
    return readList(this.source, name, []);
  }

  /** A comma-separated list of names in lower case; `undefined` when unset. */
  lowerCaseNames(name: string): string[] | undefined {
    return readList(this.source, name, undefined, { lowerCase: true });
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    return readEnum(this.source, name, allowed, fallback);
  }

  /** A list of `allowed` names; `none` anywhere turns the signal off, as in the OTel spec. */
  list<T extends string>(name: string, allowed: readonly T[], fallback: T[]): T[] {
    const items = readList(this.source, name, fallback, { allowed }) as T[];
    return items.includes('none' as T) ? (['none'] as T[]) : items;
  }

  positiveInt(name: string, fallback: number): number {
    return readInteger(this.source, name, fallback);
  }

  port(name: string, fallback: number): number {
    return readInteger(this.source, name, fallback, { min: 0, max: 65_535 });
  }

  ratio(name: string, fallback: number): number {
    return readRatio(this.source, name, fallback);
  }

  bool(name: string, fallback: boolean): boolean {
    return readBoolean(this.source, name, fallback);
  }

  /** An http(s) URL; without `fallback`, a bad value leaves the URL derived from `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  url(name: string, fallback?: string): string | undefined {
    return readUrl(this.source, name, fallback, {
      ...(fallback === undefined ? { defaultText: 'the value derived from OTEL_EXPORTER_OTLP_ENDPOINT' } : {}),
    });
  }
}
