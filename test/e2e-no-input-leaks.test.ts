import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { startPreloaded, type PreloadedService } from './support/service-process';

// What a request carries must not reach the telemetry unasked: query strings (tokens) and the inputs
// that error messages quote. The service logs with @modelsight/pino's prediction logger, as a user would.
const SCRIPT = resolve(__dirname, 'fixtures/shutdown-service.cjs');
const QUERY_MARKER = 'qmarker7f3a';
const INPUT_MARKER = 'imarker91c2';

let service: PreloadedService | undefined;
let receiver: OtlpReceiver | undefined;
let dir: string | undefined;
afterEach(async () => {
  await service?.stop();
  await receiver?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  service = receiver = dir = undefined;
});

async function post(path: string, body: unknown): Promise<number> {
  const response = await fetch(`${service!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

/**
 * Starts the fixture, sends a prediction with the query marker in its query string and a failing one with
 * the input marker as a feature value, ends it by SIGTERM, and returns everything its telemetry wrote.
 */
async function sendMarkers(env: Record<string, string> = {}): Promise<{ spans: ReceivedSpan[]; written: string }> {
  receiver = await startOtlpReceiver();
  dir = await mkdtemp(join(tmpdir(), 'modelsight-leaks-'));
  const logFile = join(dir, 'service.log');
  service = await startPreloaded({ script: SCRIPT, collector: receiver.url, env: { LOG_FILE: logFile, ...env } });
  expect(await post(`/predict?token=${QUERY_MARKER}&user=${QUERY_MARKER}`, { features: { petal_length: 1.4 } })).toBe(
    200,
  );
  expect(await post('/predict', { features: { petal_length: `${INPUT_MARKER}-cm` } })).toBe(422);
  await service.exitBy('SIGTERM');
  const spans = receiver.spans();
  const written = [
    JSON.stringify(spans, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)),
    await readFile(logFile, 'utf8'),
    service.stdoutLines().join('\n'),
    service.stderr(),
  ].join('\n');
  return { spans, written };
}

const serverSpan = (spans: ReceivedSpan[]) =>
  spans.find((span) => span.kind === 2 && span.attributes['url.query'] !== undefined);
// The client span of the fetch() that relays the query string downstream (instrumentation-undici).
const fetchSpan = (spans: ReceivedSpan[]) =>
  spans.find((span) => span.kind === 3 && String(span.attributes['url.full']).includes('/health?'));
const failedPrediction = (spans: ReceivedSpan[]) =>
  spans.find((span) => span.name === 'predict iris-classifier' && span.status.code === 2);

describe('by default', () => {
  it('puts neither a query string value nor an input quoted by an error message in any span or log line', async () => {
    const { spans, written } = await sendMarkers();

    expect(written).not.toContain(QUERY_MARKER);
    expect(written).not.toContain(INPUT_MARKER);
    // Recorded all the same, without the values.
    expect(serverSpan(spans)?.attributes['url.query']).toBe('token=REDACTED&user=REDACTED');
    expect(fetchSpan(spans)?.attributes['url.full']).toMatch(/\/health\?token=REDACTED&user=REDACTED$/);
    expect(fetchSpan(spans)?.attributes['url.query']).toBe('?token=REDACTED&user=REDACTED');
    const failed = failedPrediction(spans);
    expect(failed?.attributes['error.type']).toBe('RangeError');
    expect(failed?.events[0]?.attributes['exception.type']).toBe('RangeError');
    expect(String(failed?.events[0]?.attributes['exception.stacktrace'])).toMatch(/^RangeError\n {4}at .*classify /);
  });
});

describe('when asked to', () => {
  it('keeps the query string with MODELSIGHT_KEEP_QUERY_PARAMS and error messages with MODELSIGHT_RECORD_EXCEPTION_MESSAGES', async () => {
    const { spans } = await sendMarkers({
      MODELSIGHT_KEEP_QUERY_PARAMS: 'user',
      MODELSIGHT_RECORD_EXCEPTION_MESSAGES: 'true',
    });

    expect(serverSpan(spans)?.attributes['url.query']).toBe(`token=REDACTED&user=${QUERY_MARKER}`);
    expect(fetchSpan(spans)?.attributes['url.full']).toMatch(
      new RegExp(`/health\\?token=REDACTED&user=${QUERY_MARKER}$`),
    );
    expect(failedPrediction(spans)?.events[0]?.attributes['exception.message']).toContain(INPUT_MARKER);
  });
});

describe('/metrics', () => {
  /** Local addresses of the sockets listening on `port`, from the kernel's tables: `127.0.0.1`, `0.0.0.0`, `::1`, `::`, … */
  const listeningOn = async (port: number) => {
    const rows = async (file: string) =>
      (await readFile(file, 'utf8').catch(() => ''))
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/))
        // local_address is "ADDRESS:PORT" in hex; state 0A is LISTEN.
        .filter((fields) => fields[3] === '0A' && parseInt(fields[1]!.split(':')[1]!, 16) === port)
        .map((fields) => fields[1]!.split(':')[0]!);
    const ipv4 = (await rows('/proc/net/tcp')).map((hex) =>
      (hex.match(/../g) ?? [])
        .map((byte) => parseInt(byte, 16))
        .reverse()
        .join('.'),
    );
    const ipv6 = (await rows('/proc/net/tcp6')).map(
      (hex) => ({ '00000000000000000000000001000000': '::1', '00000000000000000000000000000000': '::' })[hex] ?? hex,
    );
    return [...ipv4, ...ipv6];
  };

  it('listens on localhost only unless OTEL_EXPORTER_PROMETHEUS_HOST says otherwise', async () => {
    dir = await mkdtemp(join(tmpdir(), 'modelsight-leaks-'));
    const env = { LOG_FILE: join(dir, 'service.log'), OTEL_TRACES_EXPORTER: 'none' };
    // A blank variable is an unset one, as in the OpenTelemetry specification.
    service = await startPreloaded({ script: SCRIPT, env: { ...env, OTEL_EXPORTER_PROMETHEUS_HOST: '' } });
    expect((await fetch(`http://localhost:${service.metricsPort}/metrics`)).ok).toBe(true);
    // localhost is 127.0.0.1, or ::1 where the resolver gives that first.
    expect(await listeningOn(service.metricsPort)).toEqual([expect.stringMatching(/^(127\.0\.0\.1|::1)$/)]);
    await service.stop();

    service = await startPreloaded({ script: SCRIPT, env: { ...env, OTEL_EXPORTER_PROMETHEUS_HOST: '0.0.0.0' } });
    expect((await fetch(`http://127.0.0.1:${service.metricsPort}/metrics`)).ok).toBe(true);
    expect(await listeningOn(service.metricsPort)).toEqual(['0.0.0.0']);
  });
});
