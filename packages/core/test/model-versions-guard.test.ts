import { expect, test } from 'vitest';
import { FeedbackTracker, modelVersions, PredictionMetricsRegistry } from '../src/index';
import { CanaryGuard, type GuardSettings } from '../src/versions/canary-guard';
import { LatencyQuantile } from '../src/versions/latency-quantile';
import { seededRandom } from './support/seeded-random';
import { captureDiag, memoryTracing } from '@modelsight/test-support';

// Errors are thrown by the thousand here: without stack traces they cost a fraction.
Error.stackTraceLimit = 0;

const answer = { label: 'setosa', confidence: 0.9 };
/** A model that throws with probability `rate`, drawing from its own seeded generator. */
const failing = (rate: number, seed: number) => {
  const draw = seededRandom(seed);
  return () => {
    if (draw() < rate) throw new Error('model failure');
    return answer;
  };
};
const canaryShare = (predict: { state(): { versions: readonly { share: number }[] } }) =>
  predict.state().versions[1]!.share;

/** Calls `predict` until the canary is rolled back; the number of calls it took, or undefined. */
function callsUntilRollback(
  predict: ((...args: never[]) => unknown) & { state(): { versions: readonly { share: number }[] } },
  most: number,
) {
  for (let i = 1; i <= most; i++) {
    try {
      predict();
    } catch {
      // The model's own failures reach the caller as they are; the guard counts them.
    }
    if (canaryShare(predict) === 0) return i;
  }
  return undefined;
}

test('a canary with twice the error rate of the primary (2% → 4%, share 0.5) is rolled back within 20,000 calls in each of 20 seeded runs', () => {
  const diagnostics = captureDiag();
  const taken: number[] = [];
  for (let seed = 1; seed <= 20; seed++) {
    const predict = modelVersions({
      name: 'doubled-errors',
      registry: new PredictionMetricsRegistry(),
      primary: { version: '1.0.0', predict: failing(0.02, seed * 31) },
      canaries: [{ version: '1.1.0', predict: failing(0.04, seed * 37), share: 0.5 }],
      random: seededRandom(seed),
    });
    const calls = callsUntilRollback(predict, 20_000);
    expect(calls, `seed ${seed}`).toBeDefined();
    taken.push(calls!);
    const rollback = predict.state().versions[1]!.rollback!;
    expect(rollback.reason).toBe('error_rate');
    expect(rollback.test!.logLikelihoodRatio).toBeGreaterThanOrEqual(rollback.test!.threshold);
  }
  taken.sort((a, b) => a - b);
  // The median is about 4,500 calls (see the README); the slowest of these twenty stays well inside the bound.
  expect(taken[10]).toBeLessThan(10_000);
  const line = diagnostics.warnings.find((w) => w.includes('doubled-errors 1.1.0 rolled back'))!;
  expect(line).toMatch(
    /canary doubled-errors 1\.1\.0 rolled back \(error_rate\), share 0\.5 → 0; errors: canary \d+\/\d+ \(\d+\.\d+%\) vs primary \d+\/\d+ \(\d+\.\d+%\); log likelihood ratio \d+\.\d+ ≥ 5\.70 \(confidence 0\.99, margin 10%\)/,
  );
});

const guardSettings: GuardSettings = {
  alpha: 0.01,
  minCalls: 500,
  errorMargin: 0.1,
  latencyMargin: 0.25,
  latencyQuantile: 0.95,
  accuracyMargin: undefined,
  minLabels: 200,
};

test('on 200 A/A runs of 20,000 calls (2% errors in both, seeded) the guard rolls back fewer than 1% of the canaries', () => {
  let falseRollbacks = 0;
  for (let run = 0; run < 200; run++) {
    const draw = seededRandom(10_000 + run);
    const guard = new CanaryGuard(
      guardSettings,
      { name: 'aa', version: '2' },
      { name: 'aa', version: '1' },
      new LatencyQuantile(0.95, 100),
      undefined,
    );
    // Latencies from one distribution too, so the latency check runs its A/A test alongside.
    for (let i = 0; i < 20_000; i++) {
      const ok = draw() >= 0.02;
      const seconds = 0.001 * (1 + draw());
      if (draw() < 0.5) {
        if (guard.canaryCall(ok, seconds) !== undefined) {
          falseRollbacks++;
          break;
        }
      } else {
        guard.primaryCall(ok, seconds);
      }
    }
  }
  expect(falseRollbacks).toBeLessThan(2);
});

/** Busy for `micros` microseconds: a slow model without timers. */
function busy(micros: number) {
  const until = performance.now() + micros / 1000;
  while (performance.now() < until);
}

test('a canary ten times slower than the primary is rolled back for latency, with a span event on the call that decided it', () => {
  const tracing = memoryTracing();
  const diagnostics = captureDiag();
  const predict = modelVersions({
    name: 'slow-canary',
    registry: new PredictionMetricsRegistry(),
    tracer: tracing.tracer,
    primary: {
      version: '1.0.0',
      predict: () => {
        busy(20);
        return answer;
      },
    },
    canaries: [
      {
        version: '1.1.0',
        predict: () => {
          busy(200);
          return answer;
        },
        share: 0.3,
      },
    ],
    guard: { minCalls: 100 },
    random: seededRandom(7),
  });
  const calls = callsUntilRollback(predict, 5_000);
  expect(calls).toBeDefined();
  expect(calls).toBeLessThan(2_000);
  const state = predict.state();
  expect(state.versions[1]!.rollback!.reason).toBe('latency');
  expect(state.versions[0]!.share).toBe(1);
  const withEvent = tracing.spans().filter((span) => span.events.some((e) => e.name === 'ml.version.rollback'));
  expect(withEvent).toHaveLength(1);
  expect(withEvent[0]!.attributes['ml.model.version']).toBe('1.1.0');
  const event = withEvent[0]!.events.find((e) => e.name === 'ml.version.rollback')!;
  expect(event.attributes!['ml.rollback.reason']).toBe('latency');
  expect(String(event.attributes!['ml.rollback.evidence'])).toMatch(
    /calls slower than [\d.]+ ms \(1\.25 × the primary's p95\)/,
  );
  expect(diagnostics.warnings.filter((w) => w.includes('slow-canary 1.1.0 rolled back (latency)'))).toHaveLength(1);
  // Once rolled back, every call goes to the primary.
  tracing.reset();
  for (let i = 0; i < 50; i++) predict();
  expect(new Set(tracing.spans().map((s) => s.attributes['ml.model.version']))).toEqual(new Set(['1.0.0']));
});

test('a canary right 60% of the time against a primary right 90% of the time is rolled back on feedback accuracy', () => {
  const feedback = new FeedbackTracker();
  const truth = seededRandom(99);
  const classes = ['setosa', 'versicolor'];
  const predict = modelVersions({
    name: 'inaccurate-canary',
    registry: new PredictionMetricsRegistry(),
    feedback,
    primary: {
      version: '1.0.0',
      predict: (right: (p: number) => boolean) => ({ label: right(0.9) ? 'setosa' : 'versicolor' }),
    },
    canaries: [
      {
        version: '1.1.0',
        predict: (right: (p: number) => boolean) => ({ label: right(0.6) ? 'setosa' : 'versicolor' }),
        share: 0.5,
      },
    ],
    guard: { errorRate: false, latency: false, accuracy: { minLabels: 100 } },
    random: seededRandom(5),
  });
  let calls = 0;
  while (canaryShare(predict) > 0 && calls < 5_000) {
    calls++;
    const { prediction } = predict.withPrediction((p) => truth() < p);
    // The true class is always setosa: the predictions that said so were right.
    feedback.recordFeedback(prediction.predictionId, classes[0]!);
  }
  expect(canaryShare(predict)).toBe(0);
  expect(calls).toBeLessThan(1_500);
  const rollback = predict.state().versions[1]!.rollback!;
  expect(rollback.reason).toBe('accuracy');
  expect(rollback.evidence).toMatch(/^incorrect predictions \(feedback\): canary \d+\/\d+/);
  expect(feedback.feedbackCounts({ name: 'inaccurate-canary', version: '1.1.0' }).incorrect).toBeGreaterThan(0);
});

test('restore() puts a rolled-back canary back at its share with a fresh comparison; rollback() rolls back by hand', () => {
  const predict = modelVersions({
    name: 'restorable',
    registry: new PredictionMetricsRegistry(),
    primary: { version: '1.0.0', predict: () => answer },
    canaries: [{ version: '1.1.0', predict: () => answer, share: 0.25 }],
  });
  predict.rollback('1.1.0');
  expect(predict.state().versions.map((v) => [v.version, v.share])).toEqual([
    ['1.0.0', 1],
    ['1.1.0', 0],
  ]);
  expect(predict.state().versions[1]!.rollback!.reason).toBe('manual');
  predict.restore('1.1.0');
  expect(predict.state().versions.map((v) => [v.version, v.share, v.rollback])).toEqual([
    ['1.0.0', 0.75, undefined],
    ['1.1.0', 0.25, undefined],
  ]);
  expect(() => predict.restore('9.9.9')).toThrow(/"9.9.9" is not a canary of restorable \(canaries: 1.1.0\)/);
  expect(() => predict.rollback('1.0.0')).toThrow(TypeError);
});
