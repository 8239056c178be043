import type { ModelIdentity } from '../types';
import type { LatencyQuantile } from './latency-quantile';
import { SequentialRateTest, type RateTestSnapshot } from './sequential-rate-test';

/** Why a canary was rolled back; a bounded set, exported as the `reason` label of `ml_rollbacks_total`. */
export type RollbackReason = 'error_rate' | 'latency' | 'accuracy' | 'manual';

/** Correct and incorrect feedback counted for a model version since the source was created. */
export interface FeedbackCounts {
  /** Feedback that matched the prediction's label. */
  readonly correct: number;
  /** Feedback that did not. */
  readonly incorrect: number;
}

/** Where the guard reads feedback accuracy per version: a `FeedbackTracker`. */
export interface FeedbackCountsSource {
  /** Cumulative counts of one model version's classification feedback. */
  feedbackCounts(model: ModelIdentity): FeedbackCounts;
}

/** The resolved settings of the guard. */
export interface GuardSettings {
  readonly alpha: number;
  readonly minCalls: number;
  readonly errorMargin: number | undefined;
  readonly latencyMargin: number | undefined;
  readonly latencyQuantile: number;
  readonly accuracyMargin: number | undefined;
  readonly minLabels: number;
}

/** What a rollback decision rests on. */
export interface RollbackEvidence {
  readonly reason: Exclude<RollbackReason, 'manual'>;
  readonly test: RateTestSnapshot;
  /** One line, for the warning and the span event. */
  readonly text: string;
}

/** How many canary calls pass between two reads of the feedback counts. */
const FEEDBACK_POLL_CALLS = 16;

const percent = (rate: number) => `${(rate * 100).toFixed(2)}%`;

/**
 * Compares one canary with the primary on error rate, latency and, with a feedback source, accuracy,
 * each with a {@link SequentialRateTest} at a third of the allowed false rollback probability (so that
 * the three together stay within it). A decision needs `minCalls` calls of each version (`minLabels`
 * labelled predictions for accuracy).
 */
export class CanaryGuard {
  private readonly errors: SequentialRateTest | undefined;
  private readonly slow: SequentialRateTest | undefined;
  private readonly wrong: SequentialRateTest | undefined;
  private canaryCalls = 0;
  private primaryCalls = 0;
  private canarySlowCalls = 0;
  private canaryTimedCalls = 0;
  private sincePoll = 0;
  private readonly seenCanary = { correct: 0, incorrect: 0 };
  private readonly seenPrimary = { correct: 0, incorrect: 0 };

  constructor(
    private readonly settings: GuardSettings,
    private readonly canary: ModelIdentity,
    private readonly primary: ModelIdentity,
    private readonly primaryLatency: LatencyQuantile,
    private readonly feedback: FeedbackCountsSource | undefined,
  ) {
    const alpha = settings.alpha / 3;
    if (settings.errorMargin !== undefined) this.errors = new SequentialRateTest(1 + settings.errorMargin, alpha);
    if (settings.latencyMargin !== undefined) this.slow = new SequentialRateTest(1, alpha);
    if (settings.accuracyMargin !== undefined && feedback !== undefined) {
      this.wrong = new SequentialRateTest(1 + settings.accuracyMargin, alpha);
      // Feedback counted before this canary went live is not about this comparison.
      this.read(this.canary, this.seenCanary);
      this.read(this.primary, this.seenPrimary);
    }
  }

  /** A call of the primary ended. */
  primaryCall(ok: boolean, seconds: number): void {
    this.primaryCalls++;
    const errors = this.errors;
    if (errors !== undefined) {
      if (!ok) errors.event(false);
      errors.expose(false);
    }
    const threshold = this.slowThreshold();
    if (threshold !== undefined && ok) {
      if (seconds > threshold) this.slow!.event(false);
      this.slow!.expose(false);
    }
  }

  /** A call of the canary ended; returns the evidence when it must be rolled back. */
  canaryCall(ok: boolean, seconds: number): RollbackEvidence | undefined {
    this.canaryCalls++;
    const errors = this.errors;
    if (errors !== undefined) {
      if (!ok) errors.event(true);
      errors.expose(true);
    }
    const threshold = this.slowThreshold();
    if (threshold !== undefined && ok) {
      const slow = seconds > threshold;
      if (slow) {
        this.slow!.event(true);
        this.canarySlowCalls++;
      }
      this.canaryTimedCalls++;
      this.slow!.expose(true);
    }
    if (this.wrong !== undefined && ++this.sincePoll >= FEEDBACK_POLL_CALLS) {
      this.sincePoll = 0;
      this.pollFeedback();
    }
    return this.decide(threshold);
  }

  private slowThreshold(): number | undefined {
    if (this.slow === undefined) return undefined;
    const p = this.primaryLatency.value;
    return p === undefined ? undefined : p * (1 + this.settings.latencyMargin!);
  }

  private decide(threshold: number | undefined): RollbackEvidence | undefined {
    const { minCalls } = this.settings;
    const enough = this.canaryCalls >= minCalls && this.primaryCalls >= minCalls;
    if (enough && this.errors?.rejected) return this.evidence('error_rate', this.errors, 'errors');
    const slow = this.slow;
    if (
      enough &&
      slow !== undefined &&
      threshold !== undefined &&
      slow.canaryExposure >= minCalls &&
      slow.primaryExposure >= minCalls &&
      // The canary's own quantile lies above the threshold, not just its tail.
      this.canarySlowCalls > (1 - this.settings.latencyQuantile) * this.canaryTimedCalls &&
      slow.rejected
    ) {
      const q = Math.round(this.settings.latencyQuantile * 100);
      return this.evidence(
        'latency',
        slow,
        `calls slower than ${(threshold * 1000).toFixed(3)} ms (${(1 + this.settings.latencyMargin!).toFixed(2)} × the primary's p${q})`,
      );
    }
    const wrong = this.wrong;
    if (
      wrong !== undefined &&
      wrong.canaryExposure >= this.settings.minLabels &&
      wrong.primaryExposure >= this.settings.minLabels &&
      wrong.rejected
    ) {
      return this.evidence('accuracy', wrong, 'incorrect predictions (feedback)');
    }
    return undefined;
  }

  private evidence(reason: RollbackEvidence['reason'], test: SequentialRateTest, what: string): RollbackEvidence {
    const snapshot = test.snapshot();
    const rates = test.rates();
    const margin =
      reason === 'error_rate' ? this.settings.errorMargin : reason === 'accuracy' ? this.settings.accuracyMargin : 0;
    const text =
      `${what}: canary ${snapshot.canaryEvents}/${snapshot.canaryExposure} (${percent(rates.canary)}) vs primary ` +
      `${snapshot.primaryEvents}/${snapshot.primaryExposure} (${percent(rates.primary)}); ` +
      `log likelihood ratio ${snapshot.logLikelihoodRatio.toFixed(2)} ≥ ${snapshot.threshold.toFixed(2)} ` +
      `(confidence ${1 - this.settings.alpha}, margin ${Math.round((margin ?? 0) * 100)}%)`;
    return { reason, test: snapshot, text };
  }

  private pollFeedback(): void {
    const wrong = this.wrong!;
    const primary = this.delta(this.primary, this.seenPrimary);
    const canary = this.delta(this.canary, this.seenCanary);
    // Events first, with the exposure share before them; then the exposure they came with.
    if (primary.incorrect > 0) wrong.event(false, primary.incorrect);
    if (canary.incorrect > 0) wrong.event(true, canary.incorrect);
    wrong.expose(false, primary.correct + primary.incorrect);
    wrong.expose(true, canary.correct + canary.incorrect);
  }

  private delta(model: ModelIdentity, seen: { correct: number; incorrect: number }): FeedbackCounts {
    const before = { correct: seen.correct, incorrect: seen.incorrect };
    this.read(model, seen);
    return { correct: seen.correct - before.correct, incorrect: seen.incorrect - before.incorrect };
  }

  private read(model: ModelIdentity, into: { correct: number; incorrect: number }): void {
    const counts = this.feedback!.feedbackCounts(model);
    into.correct = counts.correct;
    into.incorrect = counts.incorrect;
  }
}
