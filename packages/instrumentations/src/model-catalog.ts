import type { ModelMapping, ModelSource } from './types';

const RUNTIMES = ['onnxruntime', 'tfjs', 'transformers'];
const MATCH_KEYS = ['runtime', 'name', 'location', 'inputNames', 'outputNames'];
const ENTRY_KEYS = ['match', 'name', 'version', 'classes'];

/** A mapping entry that does not fit; `path` says where (`[1].match.inputNames`). */
export class ModelCatalogError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path || 'the document'}: ${problem}`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

function stringList(value: unknown, path: string, allowEmpty: boolean): readonly string[] {
  if (!Array.isArray(value) || (!allowEmpty && value.length === 0) || !value.every(isNonEmptyString))
    throw new ModelCatalogError(path, `must be a ${allowEmpty ? '' : 'non-empty '}array of non-empty strings`);
  return value;
}

/**
 * Checks the mappings of a models file or of the `models` option, `{ "models": [...] }` or the array itself,
 * and returns them in order (the first entry whose `match` holds names a model).
 * @throws ModelCatalogError naming the entry and the key that is wrong
 */
export function parseModelMappings(document: unknown): readonly ModelMapping[] {
  const list = isRecord(document) && 'models' in document ? document['models'] : document;
  const prefix = list === document ? '' : 'models';
  if (!Array.isArray(list)) throw new ModelCatalogError(prefix, 'must be an array of model mappings');
  return list.map((entry, index) => parseEntry(entry, `${prefix}[${index}]`));
}

function parseEntry(entry: unknown, path: string): ModelMapping {
  if (!isRecord(entry)) throw new ModelCatalogError(path, 'must be an object with match and name');
  for (const key of Object.keys(entry))
    if (!ENTRY_KEYS.includes(key))
      throw new ModelCatalogError(`${path}.${key}`, `unknown key (${ENTRY_KEYS.join(', ')})`);
  const match = entry['match'];
  if (!isRecord(match) || Object.keys(match).length === 0)
    throw new ModelCatalogError(`${path}.match`, `must be an object with at least one of ${MATCH_KEYS.join(', ')}`);
  for (const key of Object.keys(match)) {
    if (!MATCH_KEYS.includes(key))
      throw new ModelCatalogError(`${path}.match.${key}`, `unknown key (${MATCH_KEYS.join(', ')})`);
  }
  const runtime = match['runtime'];
  if (runtime !== undefined && !RUNTIMES.includes(runtime as string))
    throw new ModelCatalogError(`${path}.match.runtime`, `must be one of ${RUNTIMES.join(', ')}`);
  for (const key of ['name', 'location'] as const) {
    if (match[key] !== undefined && !isNonEmptyString(match[key]))
      throw new ModelCatalogError(`${path}.match.${key}`, 'must be a non-empty string');
  }
  const inputNames =
    match['inputNames'] === undefined ? undefined : stringList(match['inputNames'], `${path}.match.inputNames`, false);
  const outputNames =
    match['outputNames'] === undefined
      ? undefined
      : stringList(match['outputNames'], `${path}.match.outputNames`, false);
  for (const key of ['name', 'version'] as const) {
    if (entry[key] !== undefined && !isNonEmptyString(entry[key]))
      throw new ModelCatalogError(`${path}.${key}`, 'must be a non-empty string');
  }
  if (entry['name'] === undefined && entry['version'] === undefined && entry['classes'] === undefined)
    throw new ModelCatalogError(path, 'names nothing: give name, version or classes');
  const classes = entry['classes'] === undefined ? undefined : stringList(entry['classes'], `${path}.classes`, false);
  return {
    match: {
      ...(runtime === undefined ? {} : { runtime: runtime as ModelSource['runtime'] }),
      ...(match['name'] === undefined ? {} : { name: match['name'] as string }),
      ...(match['location'] === undefined ? {} : { location: match['location'] as string }),
      ...(inputNames === undefined ? {} : { inputNames }),
      ...(outputNames === undefined ? {} : { outputNames }),
    },
    ...(entry['name'] === undefined ? {} : { name: (entry['name'] as string).trim() }),
    ...(entry['version'] === undefined ? {} : { version: (entry['version'] as string).trim() }),
    ...(classes === undefined ? {} : { classes }),
  };
}

const sameNames = (wanted: readonly string[], found: readonly string[] | undefined) =>
  found !== undefined && wanted.length === found.length && wanted.every((name) => found.includes(name));

/** A path or URL ends with the location given (`nsfwjs/dist/models/mobilenet_v2/model.json`), or equals it. */
function locationMatches(wanted: string, found: string | undefined): boolean {
  if (found === undefined) return false;
  if (found === wanted) return true;
  const normalized = found.replace(/\\/g, '/');
  const suffix = wanted.replace(/\\/g, '/').replace(/^\.?\//, '');
  return normalized.endsWith(`/${suffix}`);
}

/** The first mapping whose every `match` key holds for the model, or `undefined`. */
export function findModelMapping(mappings: readonly ModelMapping[], model: ModelSource): ModelMapping | undefined {
  return mappings.find(({ match }) => {
    if (match.runtime !== undefined && match.runtime !== model.runtime) return false;
    if (match.name !== undefined && match.name !== model.name) return false;
    if (match.location !== undefined && !locationMatches(match.location, model.location)) return false;
    if (match.inputNames !== undefined && !sameNames(match.inputNames, model.inputNames)) return false;
    if (match.outputNames !== undefined && !sameNames(match.outputNames, model.outputNames)) return false;
    return true;
  });
}
