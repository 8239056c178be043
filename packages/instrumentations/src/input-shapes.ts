/** The shape of a tensor (onnxruntime `dims`, TensorFlow.js `shape`), or `undefined`. */
export function shapeOf(value: unknown): readonly number[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as { dims?: unknown; shape?: unknown };
  if (Array.isArray(v.dims)) return v.dims as number[];
  if (Array.isArray(v.shape)) return v.shape as number[];
  return undefined;
}

/** The first tensor of an input: the input itself, the first of an array, or the first value of a named map. */
function firstTensorShape(input: unknown): readonly number[] | undefined {
  const own = shapeOf(input);
  if (own !== undefined || input === null || typeof input !== 'object') return own;
  if (Array.isArray(input)) return shapeOf(input[0]);
  for (const name in input) return shapeOf((input as Record<string, unknown>)[name]);
  return undefined;
}

/**
 * `ml.input.shapes` of a call's input, one string: `name[d0,d1]` per tensor of a named map (onnxruntime
 * feeds, tfjs named inputs), `[d0,d1]` per tensor of a single tensor or an array of them, joined by `, `.
 */
export function inputShapes(input: unknown): string | undefined {
  const single = shapeOf(input);
  if (single !== undefined) return `[${single.join(',')}]`;
  if (input === null || typeof input !== 'object') return undefined;
  const shapes: string[] = [];
  if (Array.isArray(input)) {
    for (const tensor of input) {
      const shape = shapeOf(tensor);
      if (shape !== undefined) shapes.push(`[${shape.join(',')}]`);
    }
  } else {
    for (const [name, tensor] of Object.entries(input)) {
      const shape = shapeOf(tensor);
      if (shape !== undefined) shapes.push(`${name}[${shape.join(',')}]`);
    }
  }
  return shapes.length > 0 ? shapes.join(', ') : undefined;
}

/** The tensors of an input as `[name, shape]` pairs (an empty name for a tensor or an array of them). */
function tensorShapes(input: unknown): [string, readonly number[] | undefined][] {
  const single = shapeOf(input);
  if (single !== undefined) return [['', single]];
  if (input === null || typeof input !== 'object') return [];
  if (Array.isArray(input)) return input.map((tensor) => ['', shapeOf(tensor)]);
  return Object.keys(input).map((name) => [name, shapeOf((input as Record<string, unknown>)[name])]);
}

function sameDims(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let d = 0; d < a.length; d++) if (a[d] !== b[d]) return false;
  return true;
}

/**
 * A function giving the `ml.input.shapes` attribute of an input under `key`. A service calls a model with
 * the same shapes again and again: when the input has the shapes of the previous call, the previous
 * attribute object is returned as it is, without building strings.
 */
export function inputShapesAttribute(key: string): (input: unknown) => Readonly<Record<string, string>> | undefined {
  let last:
    | { shapes: [string, readonly number[] | undefined][]; attributes: Readonly<Record<string, string>> | undefined }
    | undefined;
  const sameAsLast = (input: unknown): boolean => {
    if (last === undefined || input === null || typeof input !== 'object') return false;
    const before = last.shapes;
    const single = shapeOf(input);
    if (single !== undefined) return before.length === 1 && before[0]![0] === '' && sameDims(single, before[0]![1]);
    if (Array.isArray(input)) {
      if (input.length !== before.length) return false;
      for (let i = 0; i < input.length; i++)
        if (before[i]![0] !== '' || !sameDims(shapeOf(input[i]), before[i]![1])) return false;
      return true;
    }
    let i = 0;
    for (const name in input) {
      const entry = before[i++];
      if (
        entry === undefined ||
        entry[0] !== name ||
        !sameDims(shapeOf((input as Record<string, unknown>)[name]), entry[1])
      )
        return false;
    }
    return i === before.length;
  };
  return (input) => {
    if (sameAsLast(input)) return last!.attributes;
    const shapes = inputShapes(input);
    // Frozen: the spans of many calls hold the same object.
    const attributes = shapes === undefined ? undefined : Object.freeze({ [key]: shapes });
    last = { shapes: tensorShapes(input).map(([name, dims]) => [name, dims?.slice()]), attributes };
    return attributes;
  };
}

/**
 * The number of predictions in a call's input: the first dimension of its (first) tensor when that is
 * above 1 and the tensor has two dimensions or more; `undefined` for a single prediction.
 */
export function batchSizeOf(input: unknown): number | undefined {
  const tensor = firstTensorShape(input);
  if (tensor === undefined || tensor.length < 2) return undefined;
  const rows = tensor[0]!;
  return Number.isSafeInteger(rows) && rows > 1 ? rows : undefined;
}
