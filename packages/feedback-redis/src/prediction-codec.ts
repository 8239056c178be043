// biome-ignore-all lint/suspicious/noControlCharactersInRegex: the codec separates fields with control characters that no label holds
import { createHash } from 'node:crypto';
import type { ModelIdentity, ModelTask, StoredPrediction } from '@modelsight/core';

/**
 * How a prediction is kept in Redis: one string, short enough for Redis to keep it in one
 * allocation with its object header (an `embstr`, at most 44 bytes) for class labels of up to
 * 20 characters. Fields are separated by the unit separator (U+001F):
 *
 *   <state><model code> US <label, or value> US <confidence> US <time, base 36>
 *
 * The model code stands for the model's name and version, kept once in a hash beside the
 * predictions. The state character is `c` (a classification prediction waiting), `r`
 * (regression, waiting), or `C` / `R` once answered: the take script flips it in place, so an
 * answered prediction keeps its time to live and its model, and a second feedback is a duplicate
 * of the right model.
 */
export const FIELD_SEPARATOR = '\u001f';
const NEEDS_ESCAPE = /[%\u001f]/;
const ESCAPED = /%(25|1F)/g;
const MODEL_CODE = /^[0-9a-f]{8}$/;

/** Strings with `%` or the separator in them are escaped (`%25`, `%1F`); others are kept as they are. */
export function escapeField(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(/%/g, '%25').replace(/\u001f/g, '%1F') : text;
}

function unescapeField(text: string): string {
  return text.includes('%')
    ? text.replace(ESCAPED, (_, code: string) => (code === '25' ? '%' : FIELD_SEPARATOR))
    : text;
}

/** A model version as stored: its code (8 hex digits of the SHA-1 of the entry) and its entry in the model hash. */
export interface EncodedModel {
  readonly code: string;
  readonly entry: string;
}

export function encodeModel(model: ModelIdentity): EncodedModel {
  const entry = `${escapeField(model.name)}${FIELD_SEPARATOR}${escapeField(model.version)}`;
  return { code: createHash('sha1').update(entry).digest('hex').slice(0, 8), entry };
}

/** The stored value of one prediction, given its model code from {@link encodeModel}. */
export function encodePrediction(
  modelCode: string,
  task: ModelTask,
  label: string | undefined,
  value: number,
  confidence: number,
  time: number,
): string {
  const judged = task === 'regression' ? String(value) : escapeField(label ?? '');
  // Two decimals (the resolution of a calibration curve) are enough, and keep the value short.
  const conf = Number.isFinite(confidence) ? String(Math.round(confidence * 100) / 100) : '';
  return `${task === 'regression' ? 'r' : 'c'}${modelCode}${FIELD_SEPARATOR}${judged}${FIELD_SEPARATOR}${conf}${FIELD_SEPARATOR}${Math.round(time).toString(36)}`;
}

/** A decoded value, and whether it was answered already. */
export interface DecodedPrediction {
  readonly answered: boolean;
  readonly prediction: StoredPrediction;
}

/**
 * Reads a stored value and its model entry back; `undefined` for anything that is not one
 * (another program's key under the prefix, a corrupted or truncated value, an unknown model).
 * Never throws.
 */
export function decodePrediction(stored: unknown, modelEntry: unknown): DecodedPrediction | undefined {
  if (typeof stored !== 'string' || stored.length < 10 || typeof modelEntry !== 'string') return undefined;
  const state = stored[0];
  if (state !== 'c' && state !== 'r' && state !== 'C' && state !== 'R') return undefined;
  const fields = stored.slice(1).split(FIELD_SEPARATOR);
  const names = modelEntry.split(FIELD_SEPARATOR);
  if (fields.length !== 4 || !MODEL_CODE.test(fields[0]!) || names.length !== 2) return undefined;
  const [, judged, conf, time36] = fields as [string, string, string, string];
  const [name, version] = names as [string, string];
  const time = parseInt(time36, 36);
  if (name === '' || version === '' || !Number.isFinite(time) || time <= 0) return undefined;
  const task: ModelTask = state === 'r' || state === 'R' ? 'regression' : 'classification';
  let label: string | undefined;
  let value: number | undefined;
  if (task === 'regression') {
    value = judged === '' ? NaN : Number(judged);
    if (!Number.isFinite(value)) return undefined;
  } else {
    label = unescapeField(judged);
    if (label === '') return undefined;
  }
  const confidence = conf === '' ? undefined : Number(conf);
  return {
    answered: state === 'C' || state === 'R',
    prediction: {
      model: { name: unescapeField(name), version: unescapeField(version) },
      task,
      label,
      value,
      confidence: confidence !== undefined && confidence >= 0 && confidence <= 1 ? confidence : undefined,
      time,
    },
  };
}
