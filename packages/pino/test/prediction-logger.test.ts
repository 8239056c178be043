import { traced } from '@modelsight/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, predictionLogger } from '../src/index';
import { lineStream } from './support/line-stream';
import { captureDiag, memoryTracing, uniqueModel } from '@modelsight/test-support';

const { tracer, spanNamed } = memoryTracing();

type Row = { a: number; secret: string };
const classify = (row: Row) => {
  if (row.a < 0) throw new RangeError('a must be >= 0');
  return { label: row.a > 1 ? 'big' : 'small', confidence: 0.75 };
};

function setup(options: Omit<Parameters<typeof predictionLogger>[0], 'logger'> = {}) {
  const out = lineStream();
  const model = uniqueModel();
  const observer = predictionLogger({ logger: createLogger({}, out.stream), ...options });
  const predict = traced(classify, { model, tracer, features: (row: Row) => row, observers: [observer] });
  const predictMany = traced((rows: Row[]) => rows.map(classify), {
    model,
    tracer,
    batch: true,
    features: (rows: Row[]) => rows,
    observers: [observer],
  });
  const predictions = () => out.lines().filter((line) => line['msg'] === 'prediction');
  return { out, model, predict, predictMany, predictions };
}

afterEach(() => {
  delete process.env['MODELSIGHT_REDACT_FEATURES'];
  delete process.env['MODELSIGHT_PREDICTION_LOG_SAMPLE_RATE'];
  delete process.env['MODELSIGHT_LOG_INPUTS'];
});

describe('predictionLogger', () => {
  it('writes one line per prediction with model, IDs, status, label, confidence and duration', () => {
    const { model, predict, predictions } = setup();

    const started = performance.now();
    const { prediction } = predict.withPrediction({ a: 2, secret: 's' });
    const elapsedMs = performance.now() - started;

    expect(predictions()).toHaveLength(1);
    const line = predictions()[0]!;
    expect(line).toMatchObject({
      level: 30,
      'ml.model.name': model.name,
      'ml.model.version': model.version,
      'ml.prediction.id': prediction.predictionId,
      'ml.prediction.status': 'ok',
      'ml.prediction.label': 'big',
      'ml.prediction.confidence': 0.75,
      trace_id: spanNamed(`predict ${model.name}`).spanContext().traceId,
    });
    expect(line['trace_id']).toBe(prediction.traceId);
    expect(line['ml.prediction.duration_ms']).toBeGreaterThanOrEqual(0);
    // The prediction happened inside the call: its duration cannot exceed the call's (1 ms for clock granularity).
    expect(line['ml.prediction.duration_ms']).toBeLessThanOrEqual(elapsedMs + 1);
  });

  it('carries the prediction span IDs, not those of the request span active when it is written', () => {
    const { model, predict, predictions } = setup();
    tracer.startActiveSpan('POST /predict', (request) => {
      predict({ a: 2, secret: 's' });
      request.end();
    });
    const span = spanNamed(`predict ${model.name}`).spanContext();
    expect(predictions()[0]).toMatchObject({ trace_id: span.traceId, span_id: span.spanId });
    expect(predictions()[0]!['span_id']).not.toBe(spanNamed('POST /predict').spanContext().spanId);
  });

  it('writes one line per item of a batch call, each with its item ID', () => {
    const { predictMany, predictions } = setup();

    const { prediction } = predictMany.withPrediction([
      { a: 0, secret: 'x' },
      { a: 5, secret: 'y' },
    ]);

    expect(predictions().map((line) => line['ml.prediction.id'])).toEqual(prediction.itemIds);
    expect(predictions().map((line) => line['ml.prediction.label'])).toEqual(['small', 'big']);
  });

  it('writes a failed prediction at warn level with status error', () => {
    const { predict, predictions } = setup();

    expect(() => predict({ a: -1, secret: 's' })).toThrow(RangeError);

    expect(predictions()).toHaveLength(1);
    expect(predictions()[0]).toMatchObject({ level: 40, 'ml.prediction.status': 'error' });
    expect(predictions()[0]).not.toHaveProperty('ml.prediction.label');
  });

  it('drops every successful prediction at sampleRate 0 but still writes failed ones', () => {
    const { predict, predictions } = setup({ sampleRate: 0 });

    for (let i = 0; i < 20; i++) predict({ a: i, secret: 's' });
    expect(() => predict({ a: -1, secret: 's' })).toThrow();

    expect(predictions().map((line) => line['ml.prediction.status'])).toEqual(['error']);
  });

  it('writes a successful prediction when the random draw is below sampleRate', () => {
    const draws = [0.1, 0.6, 0.29, 0.3, 0.99];
    const { predict, predictions } = setup({ sampleRate: 0.3, random: () => draws.shift()! });

    for (let i = 0; i < 5; i++) predict({ a: i, secret: 's' });

    expect(predictions()).toHaveLength(2);
  });

  it('takes the sample rate from MODELSIGHT_PREDICTION_LOG_SAMPLE_RATE when the option is absent', () => {
    process.env['MODELSIGHT_PREDICTION_LOG_SAMPLE_RATE'] = '0';
    const { predict, predictions } = setup();

    predict({ a: 1, secret: 's' });

    expect(predictions()).toHaveLength(0);
  });

  it('leaves the inputs out unless logInputs is on', () => {
    const { predict, predictions } = setup();

    predict({ a: 1, secret: 's' });

    expect(predictions()[0]).not.toHaveProperty('ml.features');
  });

  it('writes the inputs when logInputs is on', () => {
    const { predict, predictions } = setup({ logInputs: true });

    predict({ a: 1, secret: 'plain' });

    expect(predictions()[0]!['ml.features']).toEqual({ a: 1, secret: 'plain' });
  });

  it('censors redacted features in the logged inputs', () => {
    const { predict, predictions, out } = setup({ logInputs: true, redact: ['secret'] });

    predict({ a: 1, secret: 'hunter2' });

    expect(predictions()[0]!['ml.features']).toEqual({ a: 1, secret: '[Redacted]' });
    expect(out.raw.join('\n')).not.toContain('hunter2');
  });

  it('adds the names in MODELSIGHT_REDACT_FEATURES to the redacted ones', () => {
    process.env['MODELSIGHT_REDACT_FEATURES'] = ' secret , other';
    const { predict, predictions } = setup({ logInputs: true, censor: '***' });

    predict({ a: 1, secret: 'hunter2' });

    expect(predictions()[0]!['ml.features']).toEqual({ a: 1, secret: '***' });
  });

  it('turns inputs on from MODELSIGHT_LOG_INPUTS when the option is absent', () => {
    process.env['MODELSIGHT_LOG_INPUTS'] = 'true';
    const { predict, predictions } = setup();

    predict({ a: 3, secret: 's' });

    expect(predictions()[0]!['ml.features']).toEqual({ a: 3, secret: 's' });
  });

  it('reports a failing logger once through diag and never disturbs the prediction', () => {
    const { warnings } = captureDiag();
    const brokenLogger = createLogger(
      {},
      {
        write() {
          throw new Error('disk full');
        },
      },
    );
    const observer = predictionLogger({ logger: brokenLogger });
    const predict = traced(classify, { model: uniqueModel(), tracer, observers: [observer] });

    expect(predict({ a: 2, secret: 's' })).toEqual({ label: 'big', confidence: 0.75 });
    expect(predict({ a: 3, secret: 's' })).toEqual({ label: 'big', confidence: 0.75 });

    const ours = warnings.filter((warning) => warning.includes('@modelsight/pino'));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toContain('disk full');
  });

  it('throws naming the option and the value when sampleRate is out of range', () => {
    expect(() => predictionLogger({ logger: createLogger(), sampleRate: 1.5 })).toThrow(/"sampleRate".*1\.5/);
  });

  it('throws naming the option when the logger is missing', () => {
    expect(() => predictionLogger({} as Parameters<typeof predictionLogger>[0])).toThrow(/"logger"/);
  });

  it('throws naming the option and the value when censor or message is not a string', () => {
    expect(() => predictionLogger({ logger: createLogger(), censor: 0 as never })).toThrow(
      'option "censor" must be a string, got 0',
    );
    expect(() => predictionLogger({ logger: createLogger(), message: 42 as never })).toThrow(
      'option "message" must be a string, got 42',
    );
  });

  it('throws naming the option when a level does not exist', () => {
    expect(() => predictionLogger({ logger: createLogger(), errorLevel: 'loud' })).toThrow(/"errorLevel".*"loud"/);
  });
});
