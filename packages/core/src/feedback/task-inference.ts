import type { PredictionRecord } from '../types';
import type { ModelTask } from './types';

const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function isNumericString(value: string): boolean {
  return NUMERIC.test(value.trim());
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * The predicted number of a regression output: the output when it is a finite number, else its
 * finite numeric `prediction` or `value`, else the label when it is a numeric string (what
 * `traced()` makes of `{ prediction: 3.7 }`).
 */
export function defaultRegressionValue(output: unknown, label: string | undefined): number | undefined {
  const direct = finite(output);
  if (direct !== undefined) return direct;
  if (output !== null && typeof output === 'object') {
    const o = output as Record<string, unknown>;
    const found = finite(o.prediction) ?? finite(o.value);
    if (found !== undefined) return found;
  }
  if (label !== undefined && isNumericString(label)) return Number(label);
  return undefined;
}

/**
 * The task a prediction reveals, or `undefined` when it cannot tell: a confidence, a non-numeric
 * label or class probabilities mean classification; a bare number, or a numeric prediction without
 * confidence, means regression. A classifier returning bare numeric classes without a confidence
 * looks like a regression model: give it `task: 'classification'`.
 */
export function inferTask(record: PredictionRecord): ModelTask | undefined {
  if (record.confidence !== undefined) return 'classification';
  const output = record.output;
  if (finite(output) !== undefined) return 'regression';
  if (record.label !== undefined && !isNumericString(record.label)) return 'classification';
  if (output !== null && typeof output === 'object') {
    const o = output as Record<string, unknown>;
    if (o.probabilities !== undefined || o.class !== undefined || o.label !== undefined) return 'classification';
  }
  if (record.label !== undefined || defaultRegressionValue(output, undefined) !== undefined) return 'regression';
  return undefined;
}
