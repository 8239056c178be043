// The export thread of WorkerSpanProcessor (worker-span-processor.ts): receives batches of span records,
// serializes them to OTLP and posts them, answering how each batch ended. The serialization and the HTTP
// requests, the largest part of what a span costs once it ended, run here instead of on the event loop of
// the service.
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
  void sink.export(message.resource, message.spans).then((outcome) => {
    const answer: FromExportThread = { type: 'done', id: message.id, outcome };
    port.postMessage(answer);
  });
});
