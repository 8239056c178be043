import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import type { FinalExportOutcome, FinalExportTarget } from '../src/shutdown/final-span-export';
import { LateSpanProcessor } from '../src/traces/late-span-processor';

const TARGET: FinalExportTarget = { url: 'http://127.0.0.1:4318/v1/traces', protocol: 'http/json', batchSize: 512 };

/** A tracer whose spans go through a LateSpanProcessor into memory; final exports are recorded. */
function setup(maxQueueSize = 100, outcome: FinalExportOutcome = 'exported') {
  const exported = new InMemorySpanExporter();
  const finalExports: { names: string[]; timeoutMs: number }[] = [];
  const processor = new LateSpanProcessor(
    new SimpleSpanProcessor(exported),
    TARGET,
    maxQueueSize,
    undefined,
    (spans, _target, timeoutMs) => {
      finalExports.push({ names: spans.map((span: ReadableSpan) => span.name), timeoutMs });
      return outcome;
    },
  );
  const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('test');
  const end = (name: string) => tracer.startSpan(name).end();
  return { processor, end, exported: () => exported.getFinishedSpans().map((span) => span.name), finalExports };
}

describe('LateSpanProcessor', () => {
  it('passes ended spans to the batch processor until shutdown begins', () => {
    const { end, exported, finalExports } = setup();
    end('before');
    expect(exported()).toEqual(['before']);
    expect(finalExports).toEqual([]);
  });

  it('keeps the spans that end after shutdown began for the final export, with the time left', () => {
    const { processor, end, exported, finalExports } = setup();
    end('before');
    processor.beginShutdown(Date.now() + 60_000);
    end('during 1');
    end('during 2');
    processor.exportLateSpansSync(Date.now() + 60_000);
    expect(exported()).toEqual(['before']);
    expect(finalExports.map((call) => call.names)).toEqual([['during 1', 'during 2']]);
    expect(finalExports[0]!.timeoutMs).toBeGreaterThan(59_000);
  });

  it('exports each late span once, however often the final export runs', () => {
    const { processor, end, finalExports } = setup();
    processor.beginShutdown(Date.now() + 60_000);
    end('during');
    processor.exportLateSpansSync(Date.now() + 60_000);
    processor.exportLateSpansSync(Date.now() + 60_000);
    end('after the final export');
    processor.exportLateSpansSync(Date.now() + 60_000);
    expect(finalExports.map((call) => call.names)).toEqual([['during'], ['after the final export']]);
  });

  it('also keeps late spans when the tracer provider shuts it down directly', async () => {
    const { processor, end, finalExports } = setup();
    await processor.shutdown();
    end('during');
    processor.exportLateSpansSync(Date.now() + 60_000);
    expect(finalExports.map((call) => call.names)).toEqual([['during']]);
  });

  it('keeps at most maxQueueSize late spans, as the batch queue would', () => {
    const { processor, end, finalExports } = setup(2);
    processor.beginShutdown(Date.now() + 60_000);
    for (let i = 0; i < 5; i++) end(`during ${i}`);
    processor.exportLateSpansSync(Date.now() + 60_000);
    expect(finalExports.map((call) => call.names)).toEqual([['during 0', 'during 1']]);
  });
});
