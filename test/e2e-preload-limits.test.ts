import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { startPreloaded, type PreloadedService } from './support/service-process';

// What a client can put into our telemetry, and what /metrics answers, under the preload (node:http fixture,
// the real OTLP/HTTP exporter, a receiver on loopback).
const SCRIPT = resolve(__dirname, 'fixtures/preload-service.cjs');
const SPAN_KIND_SERVER = 2;

let service: PreloadedService | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await service?.stop();
  await receiver?.close();
  service = receiver = undefined;
});

async function start(env: Record<string, string> = {}): Promise<PreloadedService> {
  receiver = await startOtlpReceiver();
  service = await startPreloaded({ script: SCRIPT, collector: receiver.url, env });
  return service;
}

/** Sends a request with a 12,000-character path, and one with a 12,000-character user agent; returns their server spans. */
async function longRequests(running: PreloadedService): Promise<{ path: ReceivedSpan; agent: ReceivedSpan }> {
  const longPath = `/${'p'.repeat(12_000)}`;
  await fetch(`${running.url}${longPath}`);
  await fetch(`${running.url}/health`, { headers: { 'user-agent': 'u'.repeat(12_000) } });
  const server = (spans: ReceivedSpan[]) => spans.filter((span) => span.kind === SPAN_KIND_SERVER);
  const spans = await receiver!.waitForSpans(
    (received) =>
      server(received).some((span) => String(span.attributes['url.path']).startsWith('/ppp')) &&
      server(received).some((span) => String(span.attributes['user_agent.original']).startsWith('uuu')),
  );
  return {
    path: server(spans).find((span) => String(span.attributes['url.path']).startsWith('/ppp'))!,
    agent: server(spans).find((span) => String(span.attributes['user_agent.original']).startsWith('uuu'))!,
  };
}

describe('span attribute values', () => {
  it('are cut at 4096 characters by default, whatever length a client sends', async () => {
    const { path, agent } = await longRequests(await start());
    expect(path.attributes['url.path']).toBe(`/${'p'.repeat(4095)}`);
    expect(agent.attributes['user_agent.original']).toBe('u'.repeat(4096));
  });

  it('are cut at OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, and OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT wins over it', async () => {
    const general = await longRequests(await start({ OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '100' }));
    expect(String(general.path.attributes['url.path']).length).toBe(100);
    expect(String(general.agent.attributes['user_agent.original']).length).toBe(100);
    await service!.stop();
    await receiver!.close();

    const specific = await longRequests(
      await start({ OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '100', OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '50' }),
    );
    expect(String(specific.agent.attributes['user_agent.original']).length).toBe(50);
  });
});

describe('/metrics', () => {
  it('answers HEAD as GET, without a body', async () => {
    const running = await start();
    const url = `http://127.0.0.1:${running.metricsPort}/metrics`;
    const get = await fetch(url);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(await head.text()).toBe('');
    expect(await get.text()).toContain('# TYPE');
  });

  it('labels every series with its instrumentation scope, unless MODELSIGHT_PROMETHEUS_SCOPE_LABELS=false', async () => {
    const labelled = await (await start()).scrape();
    expect(labelled).toMatch(
      /^nodejs_eventloop_utilization\{.*otel_scope_name="@opentelemetry\/instrumentation-runtime-node"/m,
    );
    await service!.stop();
    await receiver!.close();

    const bare = await (await start({ MODELSIGHT_PROMETHEUS_SCOPE_LABELS: 'false' })).scrape();
    expect(bare).toMatch(/^nodejs_eventloop_utilization /m);
    expect(bare).not.toContain('otel_scope_');
    expect(bare.length).toBeLessThan(labelled.length);
  });
});
