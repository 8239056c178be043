import { diag, DiagLogLevel, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { afterEach, expect, test } from 'vitest';
import { getPredictionMetricsRegistry, traced } from '../src/index';
import { memoryTracing, uniqueModel } from '@modelsight/test-support';

const tracing = memoryTracing();
afterEach(() => tracing.reset());

class ModelInputError extends Error {}

test('a sync throw reaches the caller unchanged and is recorded on the ended span', () => {
  const error = new ModelInputError('petal length is negative');
  const predict = traced(
    () => {
      throw error;
    },
    { model: uniqueModel(), tracer: tracing.tracer },
  );
  let caught: unknown;
  try {
    predict();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBe(error);
  const [span] = tracing.spans();
  expect(span!.ended).toBe(true);
  expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ModelInputError' });
  expect(span!.attributes['error.type']).toBe('ModelInputError');
  expect(span!.events.map((event) => event.name)).toEqual(['exception']);
  expect(span!.events[0]!.attributes!['exception.type']).toBe('ModelInputError');
});

/** The exception event and status of the span of a prediction that threw `error`. */
function recordedFor(error: unknown, options: { recordExceptionMessages?: boolean } = {}) {
  const predict = traced(
    () => {
      throw error;
    },
    { model: uniqueModel(), tracer: tracing.tracer, ...options },
  );
  expect(() => predict()).toThrow();
  const [span] = tracing.spans();
  return { event: span!.events[0]!.attributes!, status: span!.status };
}

test('a failed prediction records no error message on its span by default: messages often quote the input', () => {
  const { event, status } = recordedFor(new RangeError('petal_length must be >= 0, got -1.8'));
  expect(event['exception.message']).toBeUndefined();
  expect(status.message).toBe('RangeError');
  expect(JSON.stringify(event)).not.toContain('-1.8');
});

test('a failed prediction keeps its exception type and stack frames, headed by the type alone', () => {
  const { event } = recordedFor(new ModelInputError('petal length is negative'));
  const stack = String(event['exception.stacktrace']);
  expect(stack.split('\n')[0]).toBe('ModelInputError');
  expect(stack).toMatch(/\n {4}at /);
  expect(stack).not.toContain('petal length');
});

test('a message that spans lines and looks like frames is left out with the rest of it', () => {
  const { event } = recordedFor(new Error('bad input\n    at token=s3cret (forged.js:1:1)'));
  expect(String(event['exception.stacktrace'])).not.toContain('s3cret');
});

test('an error whose message changed after its stack was written is recorded without a stack', () => {
  const error = new Error('first, with the input 41');
  expect(error.stack).toContain('input 41'); // V8 writes the stack when it is first read
  error.message = 'second, with the input 42';
  const { event } = recordedFor(error);
  expect(event['exception.stacktrace']).toBeUndefined();
  expect(event['exception.type']).toBe('Error');
});

test('a thrown value that is not an Error is recorded by its type only', () => {
  const { event, status } = recordedFor('input 42 is out of range');
  expect(event).toEqual({ 'exception.type': '_OTHER' });
  expect(status.message).toBe('_OTHER');
});

test('recordExceptionMessages records the message on the exception event and as status description', () => {
  const { event, status } = recordedFor(new RangeError('petal_length must be >= 0, got -1.8'), {
    recordExceptionMessages: true,
  });
  expect(event['exception.message']).toBe('petal_length must be >= 0, got -1.8');
  expect(status.message).toBe('petal_length must be >= 0, got -1.8');
});

test('MODELSIGHT_RECORD_EXCEPTION_MESSAGES=true records messages, an option winning over it', () => {
  process.env['MODELSIGHT_RECORD_EXCEPTION_MESSAGES'] = 'true';
  try {
    expect(recordedFor(new Error('got 42')).event['exception.message']).toBe('got 42');
    tracing.reset();
    expect(
      recordedFor(new Error('got 42'), { recordExceptionMessages: false }).event['exception.message'],
    ).toBeUndefined();
  } finally {
    delete process.env['MODELSIGHT_RECORD_EXCEPTION_MESSAGES'];
  }
});

test('an async rejection reaches the caller unchanged and is recorded on the ended span', async () => {
  const error = new TypeError('bad tensor');
  const predict = traced(
    async () => {
      throw error;
    },
    { model: uniqueModel(), tracer: tracing.tracer },
  );
  await expect(predict()).rejects.toBe(error);
  const [span] = tracing.spans();
  expect(span!.ended).toBe(true);
  expect(span!.status.code).toBe(SpanStatusCode.ERROR);
  expect(span!.attributes['error.type']).toBe('TypeError');
});

test('a thrown value that is not an Error passes through and is typed _OTHER', () => {
  const predict = traced(
    () => {
      throw 'out of memory';
    },
    { model: uniqueModel(), tracer: tracing.tracer },
  );
  expect(() => predict()).toThrow('out of memory');
  const [span] = tracing.spans();
  expect(span!.attributes['error.type']).toBe('_OTHER');
});

test('an error whose properties cannot be read passes through, and its span ends typed _OTHER', async () => {
  const error = new Proxy(new Error('hidden'), {
    get: () => {
      throw new Error('no property of this error can be read');
    },
  });
  const predict = traced(
    () => {
      throw error;
    },
    { model: uniqueModel(), tracer: tracing.tracer },
  );
  const rejecting = traced(
    async () => {
      throw error;
    },
    { model: uniqueModel(), tracer: tracing.tracer },
  );
  // Caught by hand: the matchers would read the error's properties themselves.
  const thrown: unknown[] = [];
  try {
    predict();
  } catch (caught) {
    thrown.push(caught);
  }
  await rejecting().catch((caught: unknown) => thrown.push(caught));
  expect(thrown.length === 2 && thrown.every((caught) => caught === error)).toBe(true);
  expect(tracing.spans().map((span) => [span.attributes['error.type'], span.status.code])).toEqual([
    ['_OTHER', SpanStatusCode.ERROR],
    ['_OTHER', SpanStatusCode.ERROR],
  ]);
});

test('null thrown or rejected is passed through untouched', async () => {
  const predict = traced(async () => Promise.reject(null), { model: uniqueModel(), tracer: tracing.tracer });
  await expect(predict()).rejects.toBeNull();
  expect(tracing.spans()[0]!.status.code).toBe(SpanStatusCode.ERROR);
});

test('errors are counted with status error and successes with status ok', async () => {
  const model = uniqueModel();
  const predict = traced(
    async (fail: boolean) => {
      if (fail) throw new Error('no');
      return 'ok';
    },
    { model, tracer: tracing.tracer },
  );
  await predict(false);
  await predict(true).catch(() => undefined);
  await predict(true).catch(() => undefined);
  const stats = getPredictionMetricsRegistry().forModel(model);
  expect(stats.ok).toBe(1);
  expect(stats.error).toBe(2);
  expect(stats.duration.count).toBe(3);
  expect(stats.active).toBe(0);
});

test('predictions in flight are counted until they settle', async () => {
  const model = uniqueModel();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const predict = traced(
    async () => {
      await gate;
      return 'done';
    },
    { model, tracer: tracing.tracer },
  );
  const pending = [predict(), predict(), predict()];
  const stats = getPredictionMetricsRegistry().forModel(model);
  expect(stats.active).toBe(3);
  release();
  await Promise.all(pending);
  expect(stats.active).toBe(0);
});

test('a tracer that throws never reaches the caller: the prediction runs, the failure is counted and reported once', async () => {
  const warnings: string[] = [];
  diag.setLogger(
    { error: () => {}, warn: (m: string) => warnings.push(m), info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.WARN,
  );
  try {
    const model = uniqueModel();
    const broken = {
      startSpan() {
        throw new Error('tracer is broken');
      },
      startActiveSpan() {
        throw new Error('tracer is broken');
      },
    } as unknown as Tracer;
    const predict = traced(async (x: number) => ({ label: 'a', x }), { model, tracer: broken });
    expect(await predict(1)).toEqual({ label: 'a', x: 1 });
    const { result, prediction } = await predict.withPrediction(2);
    expect(result).toEqual({ label: 'a', x: 2 });
    expect(prediction.traceId).toBe('00000000000000000000000000000000');
    expect(getPredictionMetricsRegistry().forModel(model).instrumentationErrors.get('internal')).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('starting the prediction span failed');
  } finally {
    diag.disable();
  }
});
