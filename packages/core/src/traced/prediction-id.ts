import { randomBytes } from 'node:crypto';

/**
 * Prediction IDs are a random per-process prefix and a counter: unique across replicas, and
 * about twenty times cheaper than a UUID per call. They are never used as metric labels.
 */
const prefix = randomBytes(6).toString('hex');
let counter = 0;

export function nextPredictionId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}-${counter.toString(36)}`;
}
