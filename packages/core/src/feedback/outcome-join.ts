import type { ReportOnce } from '../errors/report-once';
import { describeFeedbackValue as describe, isPromise } from './describe-feedback-value';
import type { FeedbackConfig } from './feedback-config';
import type { FeedbackInstruments } from './feedback-instruments';
import type { FeedbackStore, OutcomeTakeResult } from './feedback-store';
import type { ModelQuality } from './model-quality';
import type { ModelRegistry } from './model-registry';
import type { PredictionStore } from './prediction-store';
import { settleJoin } from './settle-join';
import type { OutcomeRejectReason, OutcomeStatus } from './types';

/**
 * Joins business outcomes (a conversion, a click, a purchase amount) with the predictions that
 * led to them, through the tracker's store, and counts them per model version: `ml_outcome_total`
 * and `ml_outcome_value` (whose `_sum` is the total value) for counted ones,
 * `ml_outcome_rejected_total{reason}` for the others. Each (prediction, outcome name) counts once;
 * outcomes neither take nor wait for the prediction's label feedback.
 */
export class OutcomeJoin {
  /** Declared name → its bit in the tracker's own store. */
  private readonly bits = new Map<string, number>();

  constructor(
    private readonly config: FeedbackConfig,
    private readonly registry: ModelRegistry,
    private readonly reporter: ReportOnce,
    private readonly instruments: FeedbackInstruments,
    /** The tracker's own store, when it has no shared one. */
    private readonly local: PredictionStore | undefined,
    private readonly shared: FeedbackStore | undefined,
  ) {
    config.outcomes.forEach((name, i) => {
      this.bits.set(name, 2 ** i);
    });
  }

  /**
   * Starts the outcome counts of a model version at 0 for every declared name, so that a version
   * whose predictions got no outcome yet has a conversion rate of 0 in PromQL, not none: a version
   * that stopped converting altogether must not drop out of a comparison between versions.
   */
  announce(quality: ModelQuality): void {
    for (const name of this.config.outcomes) this.instruments.outcome.add(0, quality.outcomeAttributesOf(name));
  }

  /** See `FeedbackTracker.recordOutcome`. */
  record(predictionId: string, name: string, value: number): OutcomeStatus | Promise<OutcomeStatus> {
    return settleJoin(
      this.local === undefined,
      () => {
        const bit = typeof name === 'string' ? this.bits.get(name) : undefined;
        if (bit === undefined) {
          const declared = this.config.outcomes.length > 0 ? this.config.outcomes.join(', ') : 'none';
          return this.reject(
            this.registry.attributable(),
            undefined,
            'invalid',
            'outcome-name',
            `outcome name ${describe(name)} is not one of the declared outcomes (${declared}; option outcomes or MODELSIGHT_OUTCOME_NAMES)`,
          );
        }
        if (typeof predictionId !== 'string' || predictionId === '') {
          return this.reject(
            this.registry.attributable(),
            name,
            'invalid',
            'outcome-id',
            `an outcome needs a prediction ID (a non-empty string); got ${describe(predictionId)}`,
          );
        }
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
          return this.reject(
            this.registry.attributable(),
            name,
            'invalid',
            'outcome-value',
            `the value of outcome ${name} must be a finite number ≥ 0; got ${describe(value)} (${typeof value})`,
          );
        }
        const now = Date.now();
        const found = this.local ? this.local.takeOutcome(predictionId, bit, now) : this.takeShared(predictionId, name);
        const key = `prediction ID ${describe(predictionId)}`;
        return isPromise(found)
          ? found.then((result) => this.join(result, name, value, key, now))
          : this.join(found, name, value, key, now);
      },
      (error) => this.failed(error),
    );
  }

  private takeShared(predictionId: string, name: string): Promise<OutcomeTakeResult> {
    const store = this.shared as FeedbackStore;
    // The constructor refuses a store without it once outcomes are declared; this is only a guard.
    if (typeof store.takeOutcome !== 'function')
      return Promise.resolve({ state: 'unavailable', error: new Error('the feedback store cannot take outcomes') });
    return store.takeOutcome(predictionId, name);
  }

  private join(found: OutcomeTakeResult, name: string, value: number, key: string, now: number): OutcomeStatus {
    switch (found.state) {
      case 'unavailable': {
        const why = found.error instanceof Error ? found.error.message : String(found.error);
        return this.reject(
          this.registry.attributable(),
          name,
          'unavailable',
          'outcome-unavailable',
          `outcome ${name} for ${key} cannot be joined: the feedback store is unavailable (${why}); the outcome is lost`,
        );
      }
      case 'missing':
        return this.reject(
          this.registry.attributable(),
          name,
          'unmatched',
          'outcome-unmatched',
          `outcome ${name} for ${key} matches no remembered prediction (never seen, failed, evicted when the store was full, or forgotten after twice ttlMs)`,
        );
    }
    const quality = this.registry.forStored(found.prediction);
    if (found.state === 'answered') {
      return this.reject(
        quality,
        name,
        'duplicate',
        'outcome-duplicate',
        `second outcome ${name} for ${key}; only the first one counts`,
      );
    }
    if (now - found.prediction.time >= this.config.ttlMs) {
      return this.reject(
        quality,
        name,
        'expired',
        'outcome-expired',
        `outcome ${name} for ${key} came after ttlMs (${this.config.ttlMs} ms); it is not counted (raise ttlMs, or MODELSIGHT_FEEDBACK_TTL_MS, to the longest delay of your outcomes)`,
      );
    }
    const attributes = quality.outcomeAttributesOf(name);
    this.instruments.outcome.add(1, attributes);
    this.instruments.outcomeValue.record(value, attributes);
    return 'counted';
  }

  private reject(
    quality: ModelQuality,
    name: string | undefined,
    reason: OutcomeRejectReason,
    cause: string,
    message: string,
  ): OutcomeStatus {
    this.reporter.report(
      cause,
      `${message}; counted in ml_outcome_rejected_total{reason="${reason}"} (further occurrences are only counted)`,
    );
    this.instruments.outcomeRejected.add(1, quality.rejectAttributesOf(name, reason));
    return reason;
  }

  private failed(error: unknown): OutcomeStatus {
    this.reporter.report('internal-outcome', 'the feedback tracker failed to record an outcome', error);
    return 'invalid';
  }
}
