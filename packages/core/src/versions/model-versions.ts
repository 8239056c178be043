import { diag, type Attributes, type Span, type SpanContext } from '@opentelemetry/api';
import { ReportOnce } from '../errors/report-once';
import { defaultRegressionValue } from '../feedback/task-inference';
import { getPredictionMetricsRegistry } from '../metrics/prediction-metrics-registry';
import { createPredictionCall, type PredictionCall, type SettleHook } from '../traced/prediction-call';
import { resolveTracedConfig } from '../traced/traced-config';
import { ATTR_ML_MODEL_NAME, ATTR_ML_MODEL_VERSION } from '../semconv';
import type { AnyFunction, ModelIdentity, TracedCallOptions } from '../types';
import { CanaryGuard, type RollbackEvidence, type RollbackReason } from './canary-guard';
import { LatencyQuantile } from './latency-quantile';
import { resolveVersionsConfig } from './model-versions-config';
import type {
  ModelVersion,
  ModelVersionsFunction,
  ModelVersionsOptions,
  ModelVersionsState,
  RollbackRecord,
  ShadowVersion,
  VersionState,
} from './model-versions-types';
import { ShadowQueue } from './shadow-queue';
import { stickyPoint, VersionRouter } from './version-router';
import { CanaryTotals, ShadowTotals, VersionsMetrics } from './versions-metrics';
import { ATTR_ML_ROLLBACK_EVIDENCE, ATTR_ML_ROLLBACK_REASON, EVENT_ML_VERSION_ROLLBACK } from './versions-semconv';

/** A primary call's input and answer, waiting for a shadow to run on the same input. */
interface ShadowJob {
  readonly thisArg: unknown;
  readonly args: unknown[];
  readonly link: SpanContext;
  readonly primaryOk: boolean;
  readonly primaryLabel: string | undefined;
  readonly primaryOutput: unknown;
}

/** What a primary call carries to its settle hook when shadows will see it. */
interface ShadowTag {
  readonly thisArg: unknown;
  readonly args: unknown[];
}

interface Shadow {
  readonly model: ModelIdentity;
  readonly call: PredictionCall;
  readonly sampleRate: number;
  readonly queue: ShadowQueue<ShadowJob>;
  readonly totals: ShadowTotals;
}

interface Canary {
  readonly model: ModelIdentity;
  readonly call: PredictionCall;
  readonly totals: CanaryTotals;
  guard: CanaryGuard | undefined;
  rollback: RollbackRecord | undefined;
}

/**
 * Serves several versions of one model behind one predict function, in process: each call goes to the
 * primary or to a canary by share (sticky by a key, if given), shadows get the primary's calls off the
 * request path, and a guard rolls back a canary that is worse than the primary.
 *
 * Every version is traced as `traced()` traces it: its own `predict {name}` spans with its
 * `ml.model.version`, its own prediction metrics, the same observers. A shadow's span starts a trace of
 * its own, linked to the primary's span. Beside them: `ml_version_share`, `ml_rollbacks_total`,
 * `ml_shadow_comparisons_total`, `ml_shadow_difference_absolute` and `ml_shadow_dropped_total`, handed to the
 * SDK by `predictionMetricProducer()` with the prediction metrics.
 *
 * Shadows never delay nor fail the caller: their calls wait in a bounded queue per shadow (what does not
 * fit is dropped and counted) and run from `setImmediate`; what they throw is counted, never rethrown.
 *
 * The guard compares each canary with the primary on error rate, latency (p95) and, with `feedback`,
 * accuracy, by a sequential test that may be looked at after every call: a canary as good as the primary
 * is rolled back with probability at most 1 − `guard.confidence` however long it runs. A rollback sets the
 * canary's share to 0 (its calls go to the primary), counts `ml_rollbacks_total{reason}`, warns once
 * through `diag` with the evidence, and adds the event `ml.version.rollback` to the span of the call that
 * decided it. `restore(version)` puts it back.
 *
 * Options are checked here: a bad option throws a `TypeError` naming it.
 *
 * @example
 * const predict = modelVersions({
 *   name: 'iris-classifier',
 *   primary: { version: '1.4.0', predict: v14.predict },
 *   canaries: [{ version: '1.5.0', predict: v15.predict, share: 0.1 }],
 *   shadows: [{ version: '2.0.0', predict: v2.predict }],
 *   stickyKey: (input) => input.userId,
 * });
 * const { result, prediction } = await predict.withPrediction(input); // prediction.model.version says which one answered
 */
export function modelVersions<F extends AnyFunction>(options: ModelVersionsOptions<F>): ModelVersionsFunction<F> {
  const config = resolveVersionsConfig(options);
  const { name, guard: guardSettings, random } = config;
  const stickyKey = options.stickyKey as ((...args: unknown[]) => unknown) | undefined;
  const registry = options.registry ?? getPredictionMetricsRegistry();
  const reporter = new ReportOnce();
  const feedback = options.feedback;
  const task = options.task;
  const observers =
    feedback !== undefined && !(options.observers ?? []).includes(feedback as never)
      ? [...(options.observers ?? []), feedback as never]
      : options.observers;

  const build = (
    version: ModelVersion<F> | ShadowVersion<F>,
    hook: SettleHook,
    role: string,
  ): [ModelIdentity, PredictionCall] => {
    const traced: TracedCallOptions = {
      ...(options as unknown as TracedCallOptions),
      model: { name, version: version.version },
      classes: version.classes ?? options.classes,
      confidence: (version.confidence ?? options.confidence) as TracedCallOptions['confidence'],
      label: (version.label ?? options.label) as TracedCallOptions['label'],
      observers,
      registry,
    };
    for (const key of [
      'primary',
      'canaries',
      'shadows',
      'stickyKey',
      'shadowQueue',
      'guard',
      'feedback',
      'random',
      'name',
    ])
      delete (traced as unknown as Record<string, unknown>)[key];
    let resolved: ReturnType<typeof resolveTracedConfig>;
    try {
      resolved = resolveTracedConfig(version.predict as AnyFunction, traced);
    } catch (error) {
      // The option names traced() gives are those of this function, but say which version they are about.
      throw new TypeError(
        `${(error as Error).message.replace('traced()', 'modelVersions()')} (${role} ${version.version})`,
      );
    }
    return [resolved.model, createPredictionCall(version.predict as (...args: unknown[]) => unknown, resolved, hook)];
  };

  const primaryLatency = new LatencyQuantile(0.95, 100);
  const timed = guardSettings?.latencyMargin !== undefined;
  const canaries: Canary[] = [];
  const shadows: Shadow[] = [];

  const primaryHook: SettleHook = (span, ok, seconds, label, outcome, tag) => {
    if (guardSettings !== undefined) {
      if (ok && timed) primaryLatency.record(seconds);
      for (const canary of canaries) canary.guard?.primaryCall(ok, seconds);
    }
    if (tag !== undefined) mirror(tag as ShadowTag, span.spanContext(), ok, label, outcome);
  };
  const [primaryModel, primaryCall] = build(config.primary, primaryHook, 'primary');

  config.canaries.forEach((spec, index) => {
    const hook: SettleHook = (span, ok, seconds) => {
      const canary = canaries[index]!;
      const evidence = canary.guard?.canaryCall(ok, seconds);
      if (evidence !== undefined) rollBack(index, evidence, span);
    };
    const [model, call] = build(spec, hook, 'canary');
    canaries.push({ model, call, totals: new CanaryTotals(name, spec.version), guard: undefined, rollback: undefined });
  });
  const newGuard = (canary: Canary) =>
    guardSettings && new CanaryGuard(guardSettings, canary.model, primaryModel, primaryLatency, feedback);
  for (const canary of canaries) canary.guard = newGuard(canary);
  const router = new VersionRouter(config.canaries.map((c) => c.share));

  config.shadows.forEach((spec, index) => {
    const hook: SettleHook = (_span, ok, _seconds, label, outcome, tag) =>
      compare(shadows[index]!, tag as ShadowJob, ok, label, outcome);
    const [model, call] = build(spec, hook, 'shadow');
    const queue = new ShadowQueue<ShadowJob>(config.maxQueued, config.concurrency, (job) =>
      runShadow(shadows[index]!, job),
    );
    shadows.push({
      model,
      call,
      sampleRate: spec.sampleRate ?? 1,
      queue,
      totals: new ShadowTotals(name, spec.version, queue.dropped),
    });
  });

  const primaryAttributes: Attributes = Object.freeze({
    [ATTR_ML_MODEL_NAME]: name,
    [ATTR_ML_MODEL_VERSION]: config.primary.version,
  });
  const metricsSource = new VersionsMetrics(
    function* () {
      yield [primaryAttributes, router.primaryShare()];
      for (let i = 0; i < canaries.length; i++) yield [canaries[i]!.totals.attributes, router.share(i)];
    },
    canaries.map((c) => c.totals),
    shadows.map((s) => s.totals),
  );
  // Kept for the life of the process, as the prediction totals are: the series stay after close().
  registry.addSource(metricsSource);

  function mirror(tag: ShadowTag, link: SpanContext, ok: boolean, label: string | undefined, output: unknown): void {
    for (const shadow of shadows) {
      if (shadow.sampleRate < 1 && random() >= shadow.sampleRate) continue;
      shadow.queue.push({
        thisArg: tag.thisArg,
        args: tag.args,
        link,
        primaryOk: ok,
        primaryLabel: label,
        primaryOutput: output,
      });
    }
  }

  function runShadow(shadow: Shadow, job: ShadowJob): unknown {
    try {
      const result = shadow.call(job.thisArg, job.args, false, job.link, job);
      // The shadow's own failure is on its span and in its metrics; it never reaches anyone.
      if (result !== null && typeof result === 'object' && typeof (result as Promise<unknown>).then === 'function')
        return Promise.resolve(result).catch(ignore);
    } catch {
      // As above.
    }
    return undefined;
  }

  function compare(shadow: Shadow, job: ShadowJob, ok: boolean, label: string | undefined, output: unknown): void {
    if (job === undefined || !job.primaryOk) return;
    const totals = shadow.totals;
    if (!ok) {
      totals.comparisons.error++;
      return;
    }
    if (task !== 'classification' && !(isWord(label) || isWord(job.primaryLabel))) {
      // Regression, or answers without a word for a label: compared as numbers when both give one.
      const a = defaultRegressionValue(output, label);
      const b = defaultRegressionValue(job.primaryOutput, job.primaryLabel);
      if (a !== undefined && b !== undefined) {
        totals.difference.record(Math.abs(a - b));
        return;
      }
    }
    if (label !== undefined || job.primaryLabel !== undefined) {
      totals.comparisons[label === job.primaryLabel ? 'agree' : 'disagree']++;
      return;
    }
    reporter.report(
      `incomparable:${shadow.model.version}`,
      `answers of ${name} ${shadow.model.version} and of its primary have neither a label nor a number to compare; they are not counted in ml_shadow_comparisons_total`,
    );
  }

  function rollBack(index: number, evidence: RollbackEvidence | undefined, span: Span | undefined): void {
    const canary = canaries[index]!;
    if (!router.active[index]) return;
    const reason: RollbackReason = evidence?.reason ?? 'manual';
    const before = router.share(index);
    router.active[index] = false;
    canary.guard = undefined;
    canary.totals.rollbacks[reason]++;
    const text = evidence?.text ?? 'rolled back by a call of rollback()';
    canary.rollback = { reason, at: Date.now(), evidence: text, test: evidence?.test };
    if (evidence !== undefined) {
      diag.warn(
        `modelsight: canary ${name} ${canary.model.version} rolled back (${reason}), share ${before} → 0; ${text}`,
      );
      if (span?.isRecording()) {
        span.addEvent(EVENT_ML_VERSION_ROLLBACK, {
          [ATTR_ML_ROLLBACK_REASON]: reason,
          [ATTR_ML_ROLLBACK_EVIDENCE]: text,
          [ATTR_ML_MODEL_VERSION]: canary.model.version,
        });
      }
    }
  }

  function canaryIndex(version: string): number {
    const index = canaries.findIndex((c) => c.model.version === version);
    if (index < 0) {
      throw new TypeError(
        `modelsight modelVersions(): ${JSON.stringify(version)} is not a canary of ${name} (canaries: ${canaries.map((c) => c.model.version).join(', ') || 'none'})`,
      );
    }
    return index;
  }

  function choose(args: unknown[]): number {
    if (router.shares.length === 0) return -1;
    let point: number | undefined;
    if (stickyKey !== undefined) {
      try {
        const key = stickyKey(...args);
        if (key !== undefined && key !== null) point = stickyPoint(String(key));
      } catch (error) {
        reporter.report(
          'sticky-key',
          `the stickyKey function of ${name} threw; such calls are routed at random`,
          error,
        );
      }
    }
    return router.route(point ?? random());
  }

  const call = (thisArg: unknown, args: unknown[], withInfo: boolean): unknown => {
    const index = choose(args);
    if (index >= 0) return canaries[index]!.call(thisArg, args, withInfo);
    const tag = shadows.length > 0 ? ({ thisArg, args } satisfies ShadowTag) : undefined;
    return primaryCall(thisArg, args, withInfo, undefined, tag);
  };

  const wrapped = function (this: unknown, ...args: unknown[]) {
    return call(this, args, false);
  };
  const control = {
    withPrediction(this: unknown, ...args: unknown[]) {
      return call(this, args, true);
    },
    state(): ModelVersionsState {
      const versions: VersionState[] = [
        {
          version: config.primary.version,
          role: 'primary',
          share: router.primaryShare(),
          configuredShare: 1 - router.shares.reduce((a, b) => a + b, 0),
          rollback: undefined,
        },
        ...canaries.map(
          (c, i): VersionState => ({
            version: c.model.version,
            role: 'canary',
            share: router.share(i),
            configuredShare: router.shares[i]!,
            rollback: c.rollback,
          }),
        ),
        ...shadows.map(
          (s): VersionState => ({
            version: s.model.version,
            role: 'shadow',
            share: 0,
            configuredShare: 0,
            rollback: undefined,
            shadow: { queued: s.queue.queued, running: s.queue.inFlight, dropped: { ...s.queue.dropped } },
          }),
        ),
      ];
      return { name, versions };
    },
    restore(version: string): void {
      const index = canaryIndex(version);
      if (router.active[index]) return;
      const canary = canaries[index]!;
      router.active[index] = true;
      canary.rollback = undefined;
      canary.guard = newGuard(canary);
      diag.info(`modelsight: canary ${name} ${version} restored at share ${router.share(index)}`);
    },
    rollback(version: string): void {
      rollBack(canaryIndex(version), undefined, undefined);
    },
    async flushShadows(): Promise<void> {
      await Promise.all(shadows.map((s) => s.queue.idle()));
    },
    async close(): Promise<void> {
      await Promise.all(shadows.map((s) => s.queue.close()));
    },
  };
  Object.defineProperty(wrapped, 'name', { value: config.primary.predict.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: config.primary.predict.length, configurable: true });
  for (const [key, value] of Object.entries(control)) Object.defineProperty(wrapped, key, { value });
  return wrapped as unknown as ModelVersionsFunction<F>;
}

function ignore(): void {}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
/** A label that is no number: a class name. */
const isWord = (label: string | undefined): boolean => label !== undefined && !NUMBER.test(label);
