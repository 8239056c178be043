/**
 * Reads the numbers out of what ML runtimes return: plain arrays, typed arrays (`Float32Array`,
 * `BigInt64Array`, …), onnxruntime tensors (`{ data, dims }`) and TensorFlow.js tensors
 * (`dataSync()`, `shape`). Duck-typed, so that no runtime has to be installed.
 */

/** Numbers of one prediction's output, with the shape they came in (when a tensor gave one). */
export interface NumericOutput {
  readonly data: ArrayLike<number> | ArrayLike<bigint>;
  /** `undefined` for a flat array. */
  readonly shape: readonly number[] | undefined;
}

type TypedArray = ArrayLike<number> | ArrayLike<bigint>;

export function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

function isNumericArray(value: unknown[]): boolean {
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'number') return false;
  return true;
}

/** An onnxruntime `Tensor` whose data sits in memory (`location` `cpu`, or none given). */
function onnxTensorData(value: Record<string, unknown>): NumericOutput | undefined {
  if (!Array.isArray(value.dims)) return undefined;
  if (value.location !== undefined && value.location !== 'cpu') return undefined;
  const data = value.data;
  return isTypedArray(data) ? { data, shape: value.dims as number[] } : undefined;
}

/** A TensorFlow.js `Tensor` not yet disposed, of a numeric dtype. `dataSync()` reads it without a copy on the CPU backend. */
function tfjsTensorData(value: Record<string, unknown>): NumericOutput | undefined {
  if (typeof value.dataSync !== 'function' || !Array.isArray(value.shape)) return undefined;
  if (value.isDisposed === true || value.dtype === 'string') return undefined;
  const data: unknown = (value.dataSync as () => unknown)();
  return isTypedArray(data) ? { data, shape: value.shape as number[] } : undefined;
}

/** The tensor behind a value, when it is one (onnxruntime or TensorFlow.js). */
export function tensorData(value: unknown): NumericOutput | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isTypedArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  return onnxTensorData(v) ?? tfjsTensorData(v);
}

/**
 * The numbers of `value` when it is a numeric array, a typed array or a tensor; `[[...]]` and tensors of
 * shape `[1, n]` are one row. `undefined` for anything else.
 */
export function numericOutput(value: unknown): NumericOutput | undefined {
  if (Array.isArray(value)) {
    if (value.length === 1 && Array.isArray(value[0])) return numericOutput(value[0]);
    return isNumericArray(value) ? { data: value as number[], shape: undefined } : undefined;
  }
  if (isTypedArray(value)) return { data: value, shape: undefined };
  return tensorData(value);
}
