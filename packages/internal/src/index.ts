export {
  badValueMessage,
  envSource,
  processEnv,
  readBoolean,
  readEnum,
  readInteger,
  readList,
  readNumber,
  readRatio,
  readString,
  readUrl,
  readValue,
  showDefault,
} from './env-reader';
export type { Env, EnvSource, ListOptions, NumberRange, ReadOptions } from './env-reader';
export {
  ENV_CARDINALITY_LIMIT,
  ENV_DURATION_BUCKETS,
  bucketsProblem,
  limitProblem,
  readCardinalityLimit,
  readDurationBuckets,
} from './prediction-metrics-env';
export { ReportOnce } from './report-once';
