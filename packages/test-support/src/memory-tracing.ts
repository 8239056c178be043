import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** An SDK tracer writing to memory, with async context propagation, for span-content tests. */
export function memoryTracing(options: { sampled?: boolean } = {}) {
  context.disable();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(options.sampled === false ? { sampler: new AlwaysOffSampler() } : {}),
  });
  const tracer = provider.getTracer('test');
  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  const spanNamed = (name: string): ReadableSpan => {
    const found = spans().find((span) => span.name === name);
    if (!found)
      throw new Error(
        `no span named ${name}; have ${spans()
          .map((s) => s.name)
          .join(', ')}`,
      );
    return found;
  };
  return { tracer, provider, exporter, spans, spanNamed, reset: () => exporter.reset() };
}

let modelCounter = 0;
/** A model identity unique to the calling test, so that running totals never mix between tests. */
export function uniqueModel(prefix = 'model') {
  modelCounter++;
  return { name: `${prefix}-${process.pid}-${modelCounter}`, version: '1.0.0' };
}
