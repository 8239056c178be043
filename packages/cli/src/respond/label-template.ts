import { InputError } from '../input/input-error';

/**
 * A value of an action: fixed text, or the whole value of one allow-listed label of the alert
 * group (`{{ labels.ml_model_version }}`). A label is never spliced into a larger string, so a
 * value can only ever be one argument of a command, one JSON string of a body.
 */
export type ValueTemplate = { readonly literal: string } | { readonly label: string };

/** A JSON body whose string values are templates. */
export type BodyTemplate =
  | ValueTemplate
  | number
  | boolean
  | null
  | readonly BodyTemplate[]
  | ReadonlyMap<string, BodyTemplate>;

const PLACEHOLDER = /^\{\{\s*labels\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;
const BRACES = /\{\{|\}\}/;
/** Longest label value passed to an action. */
const MAX_VALUE_LENGTH = 1024;

/** Reads one value: a placeholder of a label in `allowed`, or text without `{{ }}`. */
export function parseValue(
  file: string,
  key: string,
  value: string,
  allowed: ReadonlyMap<string, RegExp>,
): ValueTemplate {
  const match = PLACEHOLDER.exec(value.trim());
  if (match) {
    const label = match[1] as string;
    if (!allowed.has(label))
      throw new InputError(
        `${file}: ${key} uses label ${JSON.stringify(label)}, which is not in the labels allow-list (labels: ${[...allowed.keys()].join(', ') || 'empty'})`,
      );
    return { label };
  }
  if (BRACES.test(value))
    throw new InputError(
      `${file}: ${key} must be fixed text or exactly one {{ labels.NAME }} with nothing around it, got ${JSON.stringify(value)}`,
    );
  return { literal: value };
}

/** Reads a JSON body, its strings as values. */
export function parseBody(
  file: string,
  key: string,
  value: unknown,
  allowed: ReadonlyMap<string, RegExp>,
): BodyTemplate {
  if (typeof value === 'string') return parseValue(file, key, value, allowed);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item, i) => parseBody(file, `${key}[${i}]`, item, allowed));
  if (typeof value === 'object')
    return new Map(
      Object.entries(value as Record<string, unknown>).map(([name, item]) => [
        name,
        parseBody(file, `${key}.${name}`, item, allowed),
      ]),
    );
  throw new InputError(`${file}: ${key} must be JSON (text, number, boolean, list or mapping), got ${String(value)}`);
}

/** Why a label value was refused, or undefined when it may be used. */
export function refuseLabel(
  label: string,
  value: string | undefined,
  patterns: ReadonlyMap<string, RegExp>,
): string | undefined {
  if (value === undefined) return `label ${label} is not common to every alert of the group`;
  if (value.length > MAX_VALUE_LENGTH) return `label ${label} is longer than ${MAX_VALUE_LENGTH} characters`;
  // A leading dash would make an argument an option of the command.
  if (value.startsWith('-')) return `label ${label} starts with "-"`;
  if (value.includes('\0')) return `label ${label} holds a NUL character`;
  if (!(patterns.get(label) as RegExp).test(value)) return `label ${label} does not match its pattern`;
  return undefined;
}

/** Thrown while an action is prepared: a label value that may not be used. Nothing runs. */
export class RefusedLabelError extends Error {}

/** The value of a template for the labels of a group; throws RefusedLabelError. */
export function resolveValue(
  template: ValueTemplate,
  labels: Readonly<Record<string, string>>,
  patterns: ReadonlyMap<string, RegExp>,
): string {
  if ('literal' in template) return template.literal;
  const value = Object.hasOwn(labels, template.label) ? labels[template.label] : undefined;
  const refused = refuseLabel(template.label, value, patterns);
  if (refused !== undefined) throw new RefusedLabelError(refused);
  return value as string;
}

/** The JSON value of a body template for the labels of a group; throws RefusedLabelError. */
export function resolveBody(
  template: BodyTemplate,
  labels: Readonly<Record<string, string>>,
  patterns: ReadonlyMap<string, RegExp>,
): unknown {
  if (template === null || typeof template !== 'object') return template;
  if (Array.isArray(template)) return template.map((item) => resolveBody(item, labels, patterns));
  if (template instanceof Map)
    return Object.fromEntries([...template].map(([name, item]) => [name, resolveBody(item, labels, patterns)]));
  return resolveValue(template as ValueTemplate, labels, patterns);
}
