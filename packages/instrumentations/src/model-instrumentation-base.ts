import { ReportOnce } from '@modelsight/internal';
import { createTracedCall, getActivePrediction, type TracedCall, type TracedCallOptions } from '@modelsight/core';
import { context, trace, type Context, type SpanOptions, type Tracer } from '@opentelemetry/api';
import { InstrumentationBase } from '@opentelemetry/instrumentation';
import { modelMappingsFromEnv, traceRootPredictionsFromEnv } from './config/env-config';
import { checkModelInstrumentationConfig, modelCallOptions } from './model-identity';
import type { ModelInstrumentationConfig, ModelMapping, ModelSource } from './types';
import { VERSION } from './version';

// biome-ignore lint/suspicious/noExplicitAny: a method of a model from any library, called with its own arguments
export type AnyMethod = (this: any, ...args: any[]) => any;

/** How a patched method turns its calls into predictions. */
export interface MethodTracing {
  /** Distinguishes the patched methods of one instance (each wraps its own original). */
  readonly method: string;
  /** What the instance is known by; called once per instance. */
  readonly source: (instance: object) => ModelSource;
  /** Number of predictions of a call, or `undefined` for one. */
  readonly batch?: (args: readonly unknown[]) => number | undefined;
  /** Whether the outputs of the instance are classifications (else no warning about missing labels). @default always */
  readonly expectLabel?: (instance: object) => boolean;
  /** Span attributes of a call (input shapes). */
  readonly attributes?: (input: unknown) => Readonly<Record<string, string>> | undefined;
}

/**
 * What the three runtime instrumentations share: a patched method makes its calls through the call that
 * `traced()` is built on (`createTracedCall` of `@modelsight/core`), one per model instance, so that spans,
 * attributes, metrics and observers are exactly those of `traced()`. A call made inside another prediction
 * (a `traced()` function, a pipeline, `Sequential.predict` calling its inner model) goes straight to the
 * original: one span per user call. So does a call made outside any span (no request: a warm-up at load
 * time) unless `traceRootPredictions` is on. Nothing here throws at the caller.
 */
export abstract class ModelInstrumentationBase extends InstrumentationBase<ModelInstrumentationConfig> {
  /** Per instance and method; `null` when the instance could not be instrumented (reported once). */
  private calls = new WeakMap<object, Map<string, TracedCall | null>>();
  private readonly reporter = new ReportOnce(this.instrumentationName);
  /** Follows the tracer provider the SDK gives this instrumentation, also when it is set after a call was built. */
  private readonly tracerProxy = {
    startSpan: (name: string, options?: SpanOptions, ctx?: Context) => this.tracer.startSpan(name, options, ctx),
    startActiveSpan: ((...args: unknown[]) =>
      (this.tracer.startActiveSpan as (...a: unknown[]) => unknown)(...args)) as Tracer['startActiveSpan'],
  } satisfies Tracer;

  /** Model mappings in effect: the option, else those of the environment. */
  private mappings: readonly ModelMapping[] = [];
  /** Whether calls made outside any span are traced. */
  private traceRoot = false;

  constructor(shortName: string, config: ModelInstrumentationConfig = {}) {
    super(`@modelsight/instrumentation-${shortName}`, VERSION, config);
    // The base constructor applies the options before these fields are defined: apply them again.
    this.applyConfig(this.getConfig());
  }

  private applyConfig(config: ModelInstrumentationConfig): void {
    this.mappings = config.models ?? modelMappingsFromEnv();
    this.traceRoot = config.traceRootPredictions ?? traceRootPredictionsFromEnv();
  }

  /** @throws TypeError naming the option and the value when one is invalid; the options in effect stay. */
  override setConfig(config: ModelInstrumentationConfig = {}): void {
    checkModelInstrumentationConfig(this.instrumentationName, config);
    super.setConfig(config);
    this.applyConfig(this.getConfig());
    // Calls built with the old options are dropped; each instance builds its call again on its next call.
    this.calls = new WeakMap();
  }

  /** Reports a fault of the instrumentation once per cause; the user's call goes on untouched. */
  protected warnOnce(cause: string, message: string, error?: unknown): void {
    const detail = error instanceof Error ? `: ${error.message}` : error === undefined ? '' : `: ${String(error)}`;
    this.reporter.report(cause, `${message}${detail}`);
  }

  /** The replacement of `original`: a traced call per instance, or the original inside another prediction. */
  protected tracedMethod(original: AnyMethod, tracing: MethodTracing): AnyMethod {
    const instrumentation = this;
    // The call of the last instance, so that a service calling one model looks nothing up. Held weakly: a
    // model the app has dropped is not kept alive by its last call.
    let lastInstance: WeakRef<object> | undefined;
    let lastCall: TracedCall | null = null;
    let lastCalls: WeakMap<object, Map<string, TracedCall | null>> | undefined;
    return function tracedModelMethod(this: object, ...args: unknown[]) {
      if (
        getActivePrediction() !== undefined ||
        this === null ||
        (typeof this !== 'object' && typeof this !== 'function') ||
        (!instrumentation.traceRoot && trace.getSpan(context.active()) === undefined)
      ) {
        return original.apply(this, args);
      }
      let call: TracedCall | null;
      if (lastInstance?.deref() === this && lastCalls === instrumentation.calls) {
        call = lastCall;
      } else {
        call = instrumentation.callFor(this, original, tracing);
        lastInstance = new WeakRef(this);
        lastCall = call;
        lastCalls = instrumentation.calls;
      }
      return call === null ? original.apply(this, args) : call(this, args);
    };
  }

  private callFor(instance: object, original: AnyMethod, tracing: MethodTracing): TracedCall | null {
    let methods = this.calls.get(instance);
    if (methods === undefined) {
      methods = new Map();
      this.calls.set(instance, methods);
    }
    let call = methods.get(tracing.method);
    if (call !== undefined) return call;
    try {
      const options: TracedCallOptions = {
        ...modelCallOptions(this.getConfig(), tracing.source(instance), this.mappings),
        tracer: this.tracerProxy,
        batch: tracing.batch ?? false,
        expectLabel: tracing.expectLabel?.(instance) ?? true,
        ...(tracing.attributes ? { attributes: tracing.attributes } : {}),
      };
      call = createTracedCall(original, options);
    } catch (error) {
      this.warnOnce(`build:${tracing.method}`, `${tracing.method} calls of a model are not traced`, error);
      call = null;
    }
    methods.set(tracing.method, call);
    return call;
  }
}
