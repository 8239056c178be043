import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IRIS_ROWS, irisExampleScript } from './support/iris-example';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { startPreloaded, type PreloadedService } from './support/service-process';

// The iris example under the preload against hostile bodies: deep nesting, huge values, overflowing
// inputs, secrets in rejected features and a flood of bad requests. What the client hears, what the
// logs and spans keep, and what /metrics counts.
const MARKER = 'hostile-marker-7f3c';
const FLOOD = 500;
const FEEDBACK_FLOOD = 200;
const row = IRIS_ROWS[0].features;

interface Answer {
  status: number;
  body: { error?: string; message?: string; traceId?: string; prediction?: string };
}

describe('the iris example against hostile input', () => {
  let receiver: OtlpReceiver;
  let service: PreloadedService;
  const answers: Record<string, Answer> = {};
  let floodStatuses: number[];
  let feedbackStatuses: number[];
  let spans: ReceivedSpan[];

  const post = async (body: string): Promise<Answer> => {
    const response = await fetch(`${service.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };
  const rejectionLines = (reason: string, route = '/predict') =>
    service.logRecords().filter((line) => line['reason'] === reason && line['route'] === route);

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    service = await startPreloaded({
      script: irisExampleScript('import'),
      preload: 'import',
      collector: receiver.url,
      env: { OTEL_SERVICE_NAME: 'iris-service', REJECTION_LOG_INTERVAL_MS: '1000' },
    });
    answers['markerValue'] = await post(
      JSON.stringify({ features: { ...row, sepal_width: `${MARKER}${'x'.repeat(60_000)}` } }),
    );
    answers['markerName'] = await post(JSON.stringify({ features: { ...row, [`${MARKER}-name`]: 1 } }));
    answers['deep'] = await post(
      `{"features": {"sepal_length": 5.1, "sepal_width": ${'['.repeat(10_000)}${']'.repeat(10_000)}, "petal_length": 1.4, "petal_width": 0.2}}`,
    );
    answers['overflow'] = await post(JSON.stringify({ features: [1e308, 1e308, 1e308, 1e308] }));
    answers['afterwards'] = await post(JSON.stringify({ features: row }));

    const { petal_width: _, ...partial } = row;
    floodStatuses = [];
    for (let sent = 0; sent < FLOOD; sent += 25) {
      const round = await Promise.all(Array.from({ length: 25 }, () => post(JSON.stringify({ features: partial }))));
      floodStatuses.push(...round.map((answer) => answer.status));
    }
    feedbackStatuses = [];
    for (let sent = 0; sent < FEEDBACK_FLOOD; sent += 25) {
      const round = await Promise.all(
        Array.from({ length: 25 }, async (_, i) => {
          const response = await fetch(`${service.url}/feedback`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ predictionId: `no-such-prediction-${sent + i}`, label: 'setosa' }),
          });
          await response.arrayBuffer();
          return response.status;
        }),
      );
      feedbackStatuses.push(...round);
    }
    // The last summaries come when the interval after the floods ends.
    const deadline = Date.now() + 10_000;
    const done = () =>
      accounted(rejectionLines('missing_feature')) === FLOOD &&
      accounted(rejectionLines('unmatched', '/feedback')) === FEEDBACK_FLOOD;
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

    spans = await receiver.waitForSpans((received) =>
      received.some(
        (span) => span.traceId === answers['overflow']!.body.traceId && span.name === 'predict iris-classifier',
      ),
    );
  });

  afterAll(async () => {
    await service?.stop();
    await receiver?.close();
  });

  it('answers a feature value nested 10,000 deep with 400 non_numeric_feature, and goes on serving', () => {
    expect(answers['deep']).toMatchObject({
      status: 400,
      body: { error: 'non_numeric_feature', message: 'features.sepal_width must be a number; got an array of 1 item' },
    });
    expect(answers['afterwards']).toMatchObject({ status: 200, body: { prediction: 'setosa' } });
    expect(service.logRecords().filter((line) => line['level'] === 50)).toEqual([]);
  });

  it('answers inputs of 1e308 with 422 non_finite_output and exports its predict span with status ERROR', () => {
    expect(answers['overflow']).toMatchObject({ status: 422, body: { error: 'non_finite_output' } });
    const span = spans.find(
      (candidate) =>
        candidate.traceId === answers['overflow']!.body.traceId && candidate.name === 'predict iris-classifier',
    );
    expect(span?.status.code).toBe(2);
    expect(span?.attributes['error.type']).toBe('NonFiniteOutputError');
  });

  it('answers a rejected 60 KB value with a message that shows at most its first 24 characters', () => {
    expect(answers['markerValue']).toMatchObject({ status: 400, body: { error: 'non_numeric_feature' } });
    expect(answers['markerValue']!.body.message).toBe(
      `features.sepal_width must be a number; got "${`${MARKER}xxxxx`}"… (60019 characters)`,
    );
  });

  it('writes a marker sent in a rejected feature value or name into no log line and no span', () => {
    expect(answers['markerName']).toMatchObject({ status: 400, body: { error: 'unknown_feature' } });
    // Both rejections were logged, each on the trace of its request, without the marker.
    for (const answer of [answers['markerValue']!, answers['markerName']!]) {
      expect(
        service.logRecords().filter((line) => line['trace_id'] === answer.body.traceId && line['status'] === 400),
      ).toHaveLength(1);
    }
    expect(service.stdoutLines().filter((line) => line.includes(MARKER))).toEqual([]);
    expect(service.stderr()).not.toContain(MARKER);
    expect(
      spans.filter((span) =>
        JSON.stringify(span, (_, value: unknown) => (typeof value === 'bigint' ? String(value) : value)).includes(
          MARKER,
        ),
      ),
    ).toEqual([]);
  });

  it('keeps every log line under 4 KB', () => {
    const longest = Math.max(...service.stdoutLines().map((line) => Buffer.byteLength(line)));
    expect(longest).toBeLessThan(4096);
  });

  it('writes one warning per reason per second under a flood of bad requests, whose summaries account for every one', () => {
    expect(floodStatuses.filter((status) => status === 400)).toHaveLength(FLOOD);
    const lines = rejectionLines('missing_feature');
    expect(accounted(lines)).toBe(FLOOD);
    expect(lines[0]).toMatchObject({
      msg: 'rejected: features.petal_width is missing',
      route: '/predict',
      status: 400,
    });
    expect(lines.length).toBeLessThan(1 + 10);
  });

  it('writes one warning per outcome per second under a flood of unusable feedback, whose summaries account for every one', () => {
    expect(feedbackStatuses.filter((status) => status === 404)).toHaveLength(FEEDBACK_FLOOD);
    const lines = rejectionLines('unmatched', '/feedback');
    expect(accounted(lines)).toBe(FEEDBACK_FLOOD);
    expect(lines[0]).toMatchObject({ msg: 'feedback not used: unmatched', status: 404 });
    expect(lines.length).toBeLessThan(1 + 10);
  });

  it('counts every rejected request in http_rejected_requests_total, logged or not', async () => {
    const scrape = await service.scrape();
    const count = (reason: string) =>
      Number(
        new RegExp(`^http_rejected_requests_total\\{[^}]*reason="${reason}"[^}]*\\} (\\S+)`, 'm').exec(scrape)?.[1],
      );
    expect([count('missing_feature'), count('non_numeric_feature'), count('unknown_feature')]).toEqual([FLOOD, 2, 1]);
  });
});

/** Rejections a set of lines speaks for: one per full line, plus the count of each summary. */
function accounted(lines: Record<string, unknown>[]): number {
  return lines.reduce((sum, line) => sum + (typeof line['suppressed'] === 'number' ? line['suppressed'] : 1), 0);
}
