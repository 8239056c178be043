import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver';
import { startPrometheus, type PrometheusServer } from './support/prometheus';
import { runTool } from './support/promtool';
import { predict, startPreloaded, type PreloadedService, type ServiceProcess } from './support/service-process';

// What became of the spans, on the real /metrics endpoint scraped by the real Prometheus, while the real OTLP
// exporter sends to a receiver that fails (500), then hangs, then takes them again.
const SCRIPT = resolve(__dirname, 'fixtures/preload-service.cjs');
const EXPORTED = 'otel_sdk_exporter_span_exported_total';
const PROCESSED = 'otel_sdk_processor_span_processed_total';

let service: PreloadedService | undefined;
let receiver: OtlpReceiver | undefined;
let prometheus: PrometheusServer | undefined;
afterEach(async () => {
  await service?.stop();
  await receiver?.close();
  await prometheus?.stop();
  service = prometheus = receiver = undefined;
});

async function predictMany(target: ServiceProcess, total: number): Promise<void> {
  for (let i = 0; i < total; i += 1) await predict(target, { petal_length: 1 + (i % 6) });
}

const value = (samples: { value: [number, string] }[]) => samples.reduce((sum, s) => sum + Number(s.value[1]), 0);
const spansSent = (target: OtlpReceiver) => target.requests().reduce((sum, request) => sum + request.spans, 0);

describe('exporter health on /metrics', () => {
  it('counts spans the collector refused (500), spans dropped while it hangs, and spans exported, and says how many were dropped', async () => {
    receiver = await startOtlpReceiver({ mode: 'error' });
    service = await startPreloaded({
      script: SCRIPT,
      collector: receiver.url,
      env: {
        OTEL_BSP_MAX_QUEUE_SIZE: '20',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
        // Long enough for a 500 to arrive on a busy machine, short enough for a hanging collector to time out.
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2000',
        MODELSIGHT_DROPPED_SPANS_REPORT_INTERVAL_MS: '300',
      },
    });
    prometheus = await startPrometheus({ targets: [`127.0.0.1:${service.metricsPort}`] });

    // 500: every span the receiver saw was refused, and counted so.
    await predictMany(service, 10);
    const failed = await prometheus.waitFor(
      `${EXPORTED}{error_type="500"}`,
      (samples) => samples.length === 1 && value(samples) === spansSent(receiver!) && value(samples) >= 20,
      20_000,
    );
    expect(failed[0]!.metric).toMatchObject({
      otel_component_type: 'otlp_http_json_span_exporter',
      otel_component_name: 'otlp_http_json_span_exporter/0',
      server_address: '127.0.0.1',
    });
    await service.waitForOutput('stderr', 'export failed: 500');
    expect(service.stderr()).toMatch(/Dropped \d+ spans in the last 300 ms \([^)]*export failed: 500/);

    // A collector that hangs: two batches wait for it, the queue holds 20 spans, the rest is dropped and counted.
    receiver.setMode('hang');
    await predictMany(service, 100);
    const queueFull = await prometheus.waitFor(`${PROCESSED}{error_type="queue_full"}`, (s) => value(s) > 0, 20_000);
    expect(value(queueFull)).toBeGreaterThan(0);
    await service.waitForOutput('stderr', 'queue full:');
    await prometheus.waitFor(`${EXPORTED}{error_type="timeout"}`, (s) => value(s) >= 10, 30_000);

    // Back: the spans it takes are counted as exported, as many as it received.
    receiver.setMode('normal');
    await predictMany(service, 5);
    await prometheus.waitFor(
      `${EXPORTED}{error_type=""}`,
      (samples) => value(samples) > 0 && value(samples) === receiver!.spans().length,
      20_000,
    );

    // The page with these series is still one promtool accepts.
    const dir = mkdtempSync(join(tmpdir(), 'span-health-'));
    try {
      const file = join(dir, 'metrics.txt');
      writeFileSync(file, await service.scrape());
      const check = await runTool('sh', ['-c', `promtool check metrics < ${file}`]);
      expect(check.code, check.output).toBe(0);
      expect(check.output).not.toMatch(/error/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
