import type {
  AnyFunction,
  LabelValue,
  ResultExtractor,
  SingleTracedOptions,
  TracedOptionsBase,
  TracedResult,
} from '../types';
import type { TracedFunction } from '../traced/traced';
import type { FeedbackCountsSource, RollbackReason } from './canary-guard';
import type { RateTestSnapshot } from './sequential-rate-test';

/** One version of the model: its version string and its predict function, of the primary's signature. */
export interface ModelVersion<F extends AnyFunction> {
  /** `ml.model.version` of this version's spans and metrics, e.g. `1.5.0`. Required, unique in the group. */
  readonly version: string;
  /** Makes this version's predictions. Called with the caller's `this` and arguments. */
  readonly predict: F;
  /** Names of the class indices of this version, when they differ from the group's. @default the group's `classes` */
  readonly classes?: readonly string[];
  /** Finds the confidence on this version's result. @default the group's `confidence` */
  readonly confidence?: ResultExtractor<number, TracedResult<F>>;
  /** Finds the label on this version's result. @default the group's `label` */
  readonly label?: ResultExtractor<LabelValue, TracedResult<F>>;
}

/** A version that serves a share of the calls, watched by the guard. */
export interface CanaryVersion<F extends AnyFunction> extends ModelVersion<F> {
  /** Share of calls routed to it, in (0, 1); the canaries' shares add up to less than 1, the primary takes the rest. */
  readonly share: number;
}

/**
 * A version that sees the primary's calls without answering them: it takes the primary's arguments and
 * may return anything (a promise, another shape), since nobody waits for it.
 */
export interface ShadowVersion<F extends AnyFunction> {
  /** `ml.model.version` of this version's spans and metrics. Required, unique in the group. */
  readonly version: string;
  /** Makes this version's predictions, from the primary's arguments. */
  readonly predict: (this: ThisParameterType<F>, ...args: Parameters<F>) => unknown;
  /** Names of the class indices of this version. @default the group's `classes` */
  readonly classes?: readonly string[];
  /** Finds the confidence on this version's result. @default the group's `confidence`, else as in `traced()` */
  readonly confidence?: ResultExtractor<number>;
  /** Finds the label on this version's result. @default the group's `label`, else as in `traced()` */
  readonly label?: ResultExtractor<LabelValue>;
  /** Share of the primary's calls mirrored to it, in (0, 1]. @default 1 */
  readonly sampleRate?: number;
}

/** How shadow calls wait and run. */
export interface ShadowQueueOptions {
  /**
   * Most shadow calls waiting per shadow version; more are dropped and counted in
   * `ml_shadow_dropped_total{reason="queue_full"}`. Env: `MODELSIGHT_SHADOW_MAX_QUEUED`.
   * @default 100
   */
  readonly maxQueued?: number;
  /** Most shadow calls running at once per shadow version. Env: `MODELSIGHT_SHADOW_CONCURRENCY`. @default 1 */
  readonly concurrency?: number;
}

/**
 * When the guard rolls a canary back: it is worse than the primary by more than the margin, with the
 * given confidence, after the minimum sample. `false` for a check turns it off.
 */
export interface CanaryGuardOptions {
  /**
   * Probability that a canary as good as the primary is ever rolled back, as 1 − confidence: the three
   * checks share it. Env: `MODELSIGHT_CANARY_CONFIDENCE`.
   * @default 0.99
   */
  readonly confidence?: number;
  /** Calls of the canary and of the primary before the error rate or latency can roll it back. @default 500 */
  readonly minCalls?: number;
  /**
   * Error rate: rolled back when the canary's error rate exceeds (1 + margin) × the primary's.
   * @default { margin: 0.1 }
   */
  readonly errorRate?: { readonly margin?: number } | false;
  /**
   * Latency: a call is slow when it takes more than (1 + margin) × the primary's p95 (over its last 512
   * calls); rolled back when more than 5% of the canary's calls are slow and slow calls come from the
   * canary more than its share of calls explains.
   * @default { margin: 0.25 }
   */
  readonly latency?: { readonly margin?: number } | false;
  /**
   * Accuracy from feedback (needs `feedback`): rolled back when the canary's share of incorrect feedback
   * exceeds (1 + margin) × the primary's, once each has `minLabels` labelled predictions.
   * @default { margin: 0.1, minLabels: 200 }
   */
  readonly accuracy?: { readonly margin?: number; readonly minLabels?: number } | false;
}

/** Options of {@link modelVersions}; the options of `traced()` apply to every version. */
export interface ModelVersionsOptions<F extends AnyFunction>
  extends Omit<TracedOptionsBase<Parameters<F>>, 'model' | 'classes'> {
  /** `ml.model.name` of every version. Required. */
  readonly name: string;
  /** The version that answers the calls no canary takes. Required. */
  readonly primary: ModelVersion<F>;
  /** Versions that answer a share of the calls each. @default [] */
  readonly canaries?: readonly CanaryVersion<F>[];
  /** Versions that get the primary's calls off the request path, for comparison. @default [] */
  readonly shadows?: readonly ShadowVersion<F>[];
  /**
   * Routes the calls of one key (a user ID, say) to the same version: the key is hashed (FNV-1a), so the
   * same key gives the same version in every process. `undefined` routes that call at random.
   * @default none: every call is routed at random
   */
  readonly stickyKey?: (...args: Parameters<F>) => string | number | undefined;
  /** Names of the class indices, index 0 first, as in `traced()`. @default none */
  readonly classes?: readonly string[];
  /** Finds the confidence on a result. @default as in `traced()` */
  readonly confidence?: SingleTracedOptions<F>['confidence'];
  /** Finds the label on a result. @default as in `traced()` */
  readonly label?: SingleTracedOptions<F>['label'];
  /** How shadow calls wait and run. @default { maxQueued: 100, concurrency: 1 } */
  readonly shadowQueue?: ShadowQueueOptions;
  /** When the canaries are rolled back; `false`: never automatically. Env: `MODELSIGHT_CANARY_GUARD=false`. @default {} (on) */
  readonly guard?: CanaryGuardOptions | false;
  /**
   * A `FeedbackTracker`: it observes every version's predictions (it is added to `observers` unless it is
   * there already) and the guard compares the versions' accuracy with its counts.
   * @default none: no accuracy check
   */
  readonly feedback?: FeedbackCountsSource & { onPrediction(record: never): void };
  /** Uniform numbers in [0, 1) for routing and shadow sampling (a seeded generator in tests). @default Math.random */
  readonly random?: () => number;
}

/** A canary's rollback: why, when, and the evidence. */
export interface RollbackRecord {
  /** `error_rate`, `latency`, `accuracy` (by the guard) or `manual`. */
  readonly reason: RollbackReason;
  /** Milliseconds since the epoch. */
  readonly at: number;
  /** The evidence line, as the warning gives it. */
  readonly evidence: string;
  /** The sequential test's counts and statistic, for a rollback by the guard. */
  readonly test: RateTestSnapshot | undefined;
}

/** One version of a group, as {@link ModelVersionsControl.state} gives it. */
export interface VersionState {
  /** `ml.model.version`. */
  readonly version: string;
  /** How the version takes calls. */
  readonly role: 'primary' | 'canary' | 'shadow';
  /** Share of calls routed to it now (0 for a rolled-back canary and for shadows). */
  readonly share: number;
  /** The share it was configured with (0 for shadows). */
  readonly configuredShare: number;
  /** The last rollback, while the canary stays rolled back. */
  readonly rollback: RollbackRecord | undefined;
  /** Shadows only: calls waiting, running, and dropped by reason. */
  readonly shadow?: {
    /** Calls waiting to run. */
    readonly queued: number;
    /** Calls running now. */
    readonly running: number;
    /** Calls dropped since the start: the queue was full, or the group was closed. */
    readonly dropped: { readonly queue_full: number; readonly closed: number };
  };
}

/** The state of a group of versions. */
export interface ModelVersionsState {
  /** `ml.model.name`. */
  readonly name: string;
  /** The primary first, then the canaries, then the shadows. */
  readonly versions: readonly VersionState[];
}

/** What a group of versions can be asked and told, beside being called. */
export interface ModelVersionsControl {
  /** The versions, their shares and rollbacks. */
  state(): ModelVersionsState;
  /**
   * Puts a rolled-back canary back at its configured share; the guard starts a fresh comparison.
   * @throws TypeError when `version` is not a canary of the group
   */
  restore(version: string): void;
  /**
   * Rolls a canary back now (`ml_rollbacks_total{reason="manual"}`).
   * @throws TypeError when `version` is not a canary of the group
   */
  rollback(version: string): void;
  /** Resolves when no shadow call waits nor runs. */
  flushShadows(): Promise<void>;
  /** Stops mirroring calls to the shadows, drops what waits, and resolves when the running shadow calls ended. */
  close(): Promise<void>;
}

/** What {@link modelVersions} returns: called like the primary's predict function, with `withPrediction` and the controls. */
export type ModelVersionsFunction<F extends AnyFunction> = TracedFunction<F> & ModelVersionsControl;
