import { context, diag, DiagLogLevel } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

/** An SDK tracer provider writing to memory, with async context propagation, for span-content tests. */
export function memoryTracing() {
  context.disable();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  return { provider, tracer: provider.getTracer('test'), spans, reset: () => exporter.reset() };
}

/** Collects what the instrumentations report through `diag`. */
export function captureDiag() {
  const warnings: string[] = [];
  const record = (message: string, ...args: unknown[]) => warnings.push([message, ...args.map(String)].join(' '));
  diag.disable();
  diag.setLogger(
    { error: record, warn: record, info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.WARN,
  );
  return { warnings, reset: () => warnings.splice(0) };
}
