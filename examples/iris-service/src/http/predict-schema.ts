import { FEATURE_NAMES } from '../model/iris-data';

/** The four lengths, in centimetres: JSON numbers only (`"5.1"` is refused, not coerced). */
const FEATURE = { type: 'number' } as const;

/** One flower: the four features by name, or four numbers in feature order. */
const ROW = {
  if: { type: 'array' },
  // biome-ignore lint/suspicious/noThenProperty: the `then` keyword of JSON Schema's if/then
  then: { type: 'array', minItems: FEATURE_NAMES.length, maxItems: FEATURE_NAMES.length, items: FEATURE },
  else: {
    type: 'object',
    required: [...FEATURE_NAMES],
    properties: Object.fromEntries(FEATURE_NAMES.map((name) => [name, FEATURE])),
    additionalProperties: false,
  },
} as const;

/**
 * JSON Schema of a `POST /predict` body, checked by Fastify (Ajv) before the handler runs: one row in
 * `features`, or a batch of at most `maxBatchSize` rows in `instances`.
 */
export function predictBodySchema(maxBatchSize: number) {
  return {
    type: 'object',
    properties: {
      features: ROW,
      instances: { type: 'array', minItems: 1, maxItems: maxBatchSize, items: ROW },
    },
    anyOf: [{ required: ['features'] }, { required: ['instances'] }],
  } as const;
}

/** What a `POST /predict` body looks like, for the answer to one that does not. */
export const PREDICT_SHAPE_HELP =
  `expected {"features": {${FEATURE_NAMES.map((name) => `"${name}": <number>`).join(', ')}}} ` +
  `or {"features": [${FEATURE_NAMES.length} numbers]}, or {"instances": [<features>, ...]} for a batch`;
