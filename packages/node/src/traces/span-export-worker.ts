// The export thread of WorkerSpanProcessor (worker-span-processor.ts): receives the OTLP request bodies of
// batches of spans and posts them, answering how each batch ended. The HTTP requests, their compression
// and their retries run here instead of on the event loop of the service.
import { parentPort, workerData } from 'node:worker_threads';
import { OtlpSpanSink } from './otlp-span-sink';
import type { FromExportThread, SpanExportSettings, ToExportThread } from './span-export-protocol';

const port = parentPort!;
const sink = new OtlpSpanSink(workerData as SpanExportSettings);

port.on('message', (message: ToExportThread) => {
  if (message.type === 'end-by') {
    sink.endBy(message.deadline);
    return;
  }
  void sink.export(message.body).then((outcome) => {
    // Written out whole once the collector took it; a request that timed out may still be writing it.
    const body = outcome.exported ? message.body : undefined;
    const answer: FromExportThread = { type: 'done', id: message.id, outcome, body };
    port.postMessage(answer, body ? [body.buffer as ArrayBuffer] : []);
  });
});
