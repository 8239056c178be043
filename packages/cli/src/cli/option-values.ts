import type { DriftScoreName, DriftThresholds, FeatureType } from '@modelsight/drift';
import { InputError } from '../input/input-error';
import { SCORE_NAMES } from '../report/drift-settings';

/** A whole number >= 1, or undefined when the option is not given. */
export function positiveInteger(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1)
    throw new InputError(`--${option} must be a whole number >= 1, got ${JSON.stringify(value)}`);
  return n;
}

/** A comma-separated list of names: `a,b,c`. */
export function nameList(option: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((n) => n.trim());
  if (names.some((n) => n === ''))
    throw new InputError(`--${option} must be a comma-separated list of column names, got ${JSON.stringify(value)}`);
  return names;
}

/** `NAME=VALUE` pairs, from repeated options and comma-separated lists (`--type a=numeric,b=categorical`). */
function pairs(option: string, values: readonly string[] | undefined, split: boolean): [string, string][] {
  return (values ?? [])
    .flatMap((entry) => (split ? entry.split(',') : [entry]))
    .map((pair) => {
      const at = pair.lastIndexOf('=');
      if (at <= 0 || at === pair.length - 1)
        throw new InputError(`--${option} takes NAME=VALUE, got ${JSON.stringify(pair)}`);
      return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    });
}

/** `--type age=numeric,zip=categorical`: types by column. */
export function featureTypes(values: readonly string[] | undefined): Record<string, FeatureType> {
  const types: Record<string, FeatureType> = {};
  for (const [name, type] of pairs('type', values, true)) {
    if (type !== 'numeric' && type !== 'categorical')
      throw new InputError(`--type ${name}= must be numeric or categorical, got ${JSON.stringify(type)}`);
    types[name] = type;
  }
  return types;
}

/** `--edges age=18,30,45,60`: explicit bin edges, one feature per option. */
export function featureEdges(values: readonly string[] | undefined): Record<string, number[]> | undefined {
  if (values === undefined || values.length === 0) return undefined;
  const edges: Record<string, number[]> = {};
  for (const [name, list] of pairs('edges', values, false)) {
    edges[name] = list.split(',').map((text) => {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n))
        throw new InputError(`--edges ${name}= must be a comma-separated list of numbers, got ${JSON.stringify(list)}`);
      return n;
    });
  }
  return edges;
}

/** `--threshold psi=0.25 --threshold ks_p_value=0.01 --threshold psi=off`. */
export function thresholds(values: readonly string[] | undefined): DriftThresholds {
  const result: Partial<Record<DriftScoreName, number | null>> = {};
  for (const [name, text] of pairs('threshold', values, true)) {
    if (!(SCORE_NAMES as readonly string[]).includes(name)) {
      throw new InputError(`--threshold: unknown score ${JSON.stringify(name)}; known: ${SCORE_NAMES.join(', ')}`);
    }
    const value = Number(text);
    if (text !== 'off' && (text === '' || !Number.isFinite(value)))
      throw new InputError(`--threshold ${name}= must be a number or off, got ${JSON.stringify(text)}`);
    result[name as DriftScoreName] = text === 'off' ? null : value;
  }
  return result;
}

/** A PromQL duration (`1h`, `30m`, `1h30m`, `7d`), or undefined when the option is not given. */
export function promqlDuration(option: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(value))
    throw new InputError(
      `--${option} must be a Prometheus duration such as 1h, 30m or 7d, got ${JSON.stringify(value)}`,
    );
  return value;
}
