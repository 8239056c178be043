/** Service settings, from the environment. */
export interface ServiceConfig {
  /** `PORT`, default 3000; `0` picks a free port (printed in the `listening` line). */
  readonly port: number;
  /** `HOST`, default `127.0.0.1`. */
  readonly host: string;
  /** `MODEL_NAME`, default `iris-classifier`. */
  readonly modelName: string;
  /** `MODEL_VERSION`, default `1.0.0`. */
  readonly modelVersion: string;
  /** `TRAIN_EPOCHS`, default 300. */
  readonly epochs: number;
  /** `TRAIN_LEARNING_RATE`, default 0.5. */
  readonly learningRate: number;
  /** `TRAIN_SEED`, default 42: the split and the initial weights. */
  readonly seed: number;
  /** `MAX_BODY_BYTES`, default 65536. */
  readonly maxBodyBytes: number;
  /** `MAX_BATCH_SIZE`, default 256. */
  readonly maxBatchSize: number;
  /** `PREDICTION_LOG_SAMPLE_RATE`, default 1: share of successful predictions logged. */
  readonly predictionLogSampleRate: number;
  /** `REJECTION_LOG_INTERVAL_MS`, default 10000: at most one warning per route and reason (or feedback outcome) this often; 0 logs every one. */
  readonly rejectionLogIntervalMs: number;
  /** `CANARY_VERSION`, default none: serve a deliberately worse canary of this version beside the model. */
  readonly canaryVersion: string | undefined;
  /** `CANARY_SHARE`, default 0.3: share of single predictions routed to the canary. */
  readonly canaryShare: number;
  /** `CANARY_ERROR_RATE`, default 0.2: share of its inputs the canary fails on. */
  readonly canaryErrorRate: number;
  /** `CANARY_MIN_CALLS`, default 500: calls of each version before the guard may roll the canary back. */
  readonly canaryMinCalls: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env['HOST'] || '127.0.0.1',
    modelName: env['MODEL_NAME'] || 'iris-classifier',
    modelVersion: env['MODEL_VERSION'] || '1.0.0',
    epochs: integer(env, 'TRAIN_EPOCHS', 300, 1, 100_000),
    learningRate: number(env, 'TRAIN_LEARNING_RATE', 0.5, 1e-6, 10),
    seed: integer(env, 'TRAIN_SEED', 42, 0, 2 ** 32 - 1),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 64 * 1024, 64, 64 * 1024 * 1024),
    maxBatchSize: integer(env, 'MAX_BATCH_SIZE', 256, 1, 100_000),
    predictionLogSampleRate: number(env, 'PREDICTION_LOG_SAMPLE_RATE', 1, 0, 1),
    rejectionLogIntervalMs: integer(env, 'REJECTION_LOG_INTERVAL_MS', 10_000, 0, 3_600_000),
    canaryVersion: env['CANARY_VERSION'] || undefined,
    canaryShare: number(env, 'CANARY_SHARE', 0.3, 0.001, 0.999),
    canaryErrorRate: number(env, 'CANARY_ERROR_RATE', 0.2, 0, 1),
    canaryMinCalls: integer(env, 'CANARY_MIN_CALLS', 500, 1, 1_000_000),
  };
}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a number in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  return value;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const value = number(env, name, fallback, min, max);
  if (!Number.isInteger(value)) throw new RangeError(`${name} must be an integer, got ${JSON.stringify(env[name])}`);
  return value;
}
