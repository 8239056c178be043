/** The shape of a tensor (onnxruntime `dims`, TensorFlow.js `shape`), or `undefined`. */
export function shapeOf(value: unknown): readonly number[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as { dims?: unknown; shape?: unknown };
  if (Array.isArray(v.dims)) return v.dims as number[];
  if (Array.isArray(v.shape)) return v.shape as number[];
  return undefined;
}

/**
 * `ml.input.shapes` of a call's input: one `name[d0,d1]` per tensor of a named map (onnxruntime feeds,
 * tfjs named inputs), `[d0,d1]` per tensor of a single tensor or an array of them.
 */
export function inputShapes(input: unknown): string[] | undefined {
  const single = shapeOf(input);
  if (single !== undefined) return [`[${single.join(',')}]`];
  if (Array.isArray(input)) {
    const shapes = input.map(shapeOf).filter((shape) => shape !== undefined);
    return shapes.length > 0 ? shapes.map((shape) => `[${shape.join(',')}]`) : undefined;
  }
  if (input === null || typeof input !== 'object') return undefined;
  const shapes: string[] = [];
  for (const [name, tensor] of Object.entries(input)) {
    const shape = shapeOf(tensor);
    if (shape !== undefined) shapes.push(`${name}[${shape.join(',')}]`);
  }
  return shapes.length > 0 ? shapes : undefined;
}

/**
 * The number of predictions in a call's input: the first dimension of its (first) tensor when that is
 * above 1 and the tensor has two dimensions or more; `undefined` for a single prediction.
 */
export function batchSizeOf(input: unknown): number | undefined {
  let tensor = shapeOf(input);
  if (tensor === undefined && input !== null && typeof input === 'object') {
    const first = Array.isArray(input) ? input[0] : Object.values(input)[0];
    tensor = shapeOf(first);
  }
  if (tensor === undefined || tensor.length < 2) return undefined;
  const rows = tensor[0]!;
  return Number.isSafeInteger(rows) && rows > 1 ? rows : undefined;
}
