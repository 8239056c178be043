/**
 * A sequential test of whether a canary produces bad events (errors, slow calls, wrong answers) at a
 * higher rate than the primary, valid however often it is looked at.
 *
 * Conditional on a bad event happening, the version it came from is a Bernoulli draw: with exposure share
 * ρ = n_canary / (n_canary + n_primary) and rate ratio r = p_canary / p_primary, it is the canary with
 * probability π(r) = ρr / (ρr + 1 − ρ). This removes the unknown base rate (the classic conditional test
 * for two Poisson or binomial rates, Przyborowski & Wilenski 1940). The null is r ≤ r₀ = 1 + margin; the
 * statistic is the likelihood ratio of π(r₀·k) against π(r₀), averaged over a grid of alternatives k
 * (a mixture sequential probability ratio test). Under the null it is a non-negative supermartingale, so
 * by Ville's inequality it ever reaches 1/α with probability at most α, whatever the number of looks.
 */

/** Alternatives the mixture averages over, as multiples of the null ratio. */
const ALTERNATIVES = [1.5, 2, 4, 8] as const;
const LOG_K = Math.log(ALTERNATIVES.length);

/** What the test has seen, for the evidence line and the state API. */
export interface RateTestSnapshot {
  /** Calls (labelled predictions, for accuracy) of the canary counted so far. */
  readonly canaryExposure: number;
  /** Calls (labelled predictions, for accuracy) of the primary counted so far. */
  readonly primaryExposure: number;
  /** Bad events (errors, slow calls, incorrect feedback) of the canary. */
  readonly canaryEvents: number;
  /** Bad events of the primary. */
  readonly primaryEvents: number;
  /** Natural log of the mixture likelihood ratio. */
  readonly logLikelihoodRatio: number;
  /** The value it must reach: ln(1/α). */
  readonly threshold: number;
}

export class SequentialRateTest {
  canaryExposure = 0;
  primaryExposure = 0;
  canaryEvents = 0;
  primaryEvents = 0;
  /** Log likelihood ratio per alternative. */
  private readonly logRatios = new Float64Array(ALTERNATIVES.length);
  private readonly ratios: Float64Array;
  readonly threshold: number;

  /**
   * @param nullRatio r₀: the canary's rate may be this multiple of the primary's without counting as worse
   * @param alpha the most probability of ever rejecting when the canary is no worse than r₀ times the primary
   */
  constructor(
    readonly nullRatio: number,
    alpha: number,
  ) {
    this.ratios = Float64Array.from(ALTERNATIVES, (k) => k * nullRatio);
    this.threshold = Math.log(1 / alpha);
  }

  /** Counts exposure (calls that could have been bad), without an event. */
  expose(canary: boolean, count = 1): void {
    if (canary) this.canaryExposure += count;
    else this.primaryExposure += count;
  }

  /**
   * Counts `count` bad events of one version, each updating the ratio with the exposure share before them.
   * Call {@link expose} for the calls themselves first or after: the share is that of the exposure so far.
   */
  event(canary: boolean, count = 1): void {
    const total = this.canaryExposure + this.primaryExposure;
    if (total === 0 || this.canaryExposure === 0 || this.primaryExposure === 0) {
      // No exposure share to compare with yet: counted, not tested.
      if (canary) this.canaryEvents += count;
      else this.primaryEvents += count;
      return;
    }
    const share = this.canaryExposure / total;
    const p0 = (share * this.nullRatio) / (share * this.nullRatio + 1 - share);
    const logRatios = this.logRatios;
    for (let i = 0; i < logRatios.length; i++) {
      const r = this.ratios[i]!;
      const p1 = (share * r) / (share * r + 1 - share);
      logRatios[i]! += count * (canary ? Math.log(p1 / p0) : Math.log((1 - p1) / (1 - p0)));
    }
    if (canary) this.canaryEvents += count;
    else this.primaryEvents += count;
  }

  /** ln of the mixture likelihood ratio (the mean of the alternatives' ratios). */
  get logLikelihoodRatio(): number {
    let max = -Infinity;
    for (const value of this.logRatios) if (value > max) max = value;
    let sum = 0;
    for (const value of this.logRatios) sum += Math.exp(value - max);
    return max + Math.log(sum) - LOG_K;
  }

  /** Whether the evidence that the canary is worse than r₀ times the primary reached the threshold. */
  get rejected(): boolean {
    return this.logLikelihoodRatio >= this.threshold;
  }

  /** Rate of bad events per exposure of the canary and of the primary. */
  rates(): { canary: number; primary: number } {
    return {
      canary: this.canaryExposure > 0 ? this.canaryEvents / this.canaryExposure : 0,
      primary: this.primaryExposure > 0 ? this.primaryEvents / this.primaryExposure : 0,
    };
  }

  snapshot(): RateTestSnapshot {
    return {
      canaryExposure: this.canaryExposure,
      primaryExposure: this.primaryExposure,
      canaryEvents: this.canaryEvents,
      primaryEvents: this.primaryEvents,
      logLikelihoodRatio: this.logLikelihoodRatio,
      threshold: this.threshold,
    };
  }
}
