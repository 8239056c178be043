import { isTypedArray, tensorData, type NumericOutput } from '../extraction/numeric-output';

function isSubarrayable(data: NumericOutput['data']): data is Float32Array | BigInt64Array {
  return typeof (data as { subarray?: unknown }).subarray === 'function';
}

/** The rows of a tensor whose first dimension is `size`, as views on its data (no copy). */
function tensorRows(tensor: NumericOutput, size: number): unknown[] | undefined {
  const { data, shape } = tensor;
  if (shape === undefined || shape.length === 0 || shape[0] !== size || size === 0 || !isSubarrayable(data))
    return undefined;
  const width = data.length / size;
  const rows = new Array<unknown>(size);
  for (let i = 0; i < size; i++) rows[i] = data.subarray(i * width, (i + 1) * width);
  return rows;
}

/**
 * The items of a batch result of `size` items: an array or typed array of that length, the rows of a
 * tensor of shape `[size, …]`, or, for an object of such tensors (onnxruntime's `{ label, probabilities }`),
 * one object per item with the same keys. `undefined` when the result does not have `size` items.
 */
export function batchItems(result: unknown, size: number): ArrayLike<unknown> | undefined {
  if (Array.isArray(result) || isTypedArray(result)) return result.length === size ? result : undefined;
  if (result === null || typeof result !== 'object') return undefined;
  const tensor = tensorData(result);
  if (tensor !== undefined) return tensorRows(tensor, size);
  const columns: [string, unknown[]][] = [];
  for (const [key, value] of Object.entries(result)) {
    const found = tensorData(value);
    const rows = found === undefined ? undefined : tensorRows(found, size);
    if (rows === undefined) return undefined;
    columns.push([key, rows]);
  }
  if (columns.length === 0) return undefined;
  const items = new Array<Record<string, unknown>>(size);
  for (let i = 0; i < size; i++) {
    const item: Record<string, unknown> = {};
    for (const [key, rows] of columns) item[key] = rows[i];
    items[i] = item;
  }
  return items;
}
