import { context, diag, DiagLogLevel } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** An SDK tracer writing to memory, with async context propagation. */
export function memoryTracing() {
  context.disable();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('pino-test');
  const spanNamed = (name: string): ReadableSpan => {
    const found = exporter.getFinishedSpans().find((span) => span.name === name);
    if (!found) throw new Error(`no span named ${name}`);
    return found;
  };
  return { tracer, exporter, spanNamed };
}

/** Collects what is reported through `diag`. */
export function captureDiag() {
  const warnings: string[] = [];
  const record = (message: string, ...args: unknown[]) => warnings.push([message, ...args.map(String)].join(' '));
  diag.disable();
  diag.setLogger(
    { error: record, warn: record, info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.WARN,
  );
  return warnings;
}

let modelCounter = 0;
/** A model identity unique to the calling test, so that running totals never mix between tests. */
export function uniqueModel(prefix = 'pino-test-model') {
  modelCounter += 1;
  return { name: `${prefix}-${modelCounter}`, version: '1.0.0' };
}
