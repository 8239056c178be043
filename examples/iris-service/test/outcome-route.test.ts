import { FeedbackTracker } from '@modelsight/core';
import { createLogger } from '@modelsight/pino';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { readConfig } from '../src/config';
import { feedbackRoute } from '../src/http/feedback-route';
import { outcomeRoute } from '../src/http/outcome-route';
import { predictRoute } from '../src/http/predict-route';
import { trainIrisClassifier } from '../src/model/iris-classifier';
import { OUTCOME_NAMES } from '../src/monitoring';
import { createPredictor } from '../src/predictor';

// POST /outcome through light-my-request (no socket), with a real meter read back after each answer.
class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const reader = new CollectingReader();
const meter = new MeterProvider({ readers: [reader] }).getMeter('outcome-route-test');
const config = readConfig({ MAX_BATCH_SIZE: '10', MAX_BODY_BYTES: '100000', REJECTION_LOG_INTERVAL_MS: '0' });
const model = { name: 'iris-classifier', version: '0.0.2' };
const classifier = trainIrisClassifier({ epochs: 300, learningRate: 0.5, l2: 1e-3, seed: 42 });
const tracker = new FeedbackTracker({ model, labels: classifier.classes, outcomes: OUTCOME_NAMES, meter });
const predictor = createPredictor(classifier, model, [tracker]);
const lines: string[] = [];
const app = buildApp(
  [predictRoute(predictor, model, config), feedbackRoute(tracker, config), outcomeRoute(tracker, config)],
  config,
  createLogger({}, { write: (line: string) => void lines.push(line) }),
);
afterAll(() => app.close());

const post = async (url: string, body: unknown) => {
  const response = await app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
};
const predictionId = async () =>
  (await post('/predict', { features: [5.1, 3.5, 1.4, 0.2] })).body.predictionId as string;

async function metric(name: string, outcome: string): Promise<number | undefined> {
  const { resourceMetrics } = await reader.collect();
  for (const scope of resourceMetrics.scopeMetrics)
    for (const m of scope.metrics)
      if (m.descriptor.name === name)
        for (const point of m.dataPoints as Array<{ attributes: Record<string, unknown>; value: unknown }>)
          if (point.attributes['ml.outcome.name'] === outcome)
            return typeof point.value === 'number' ? point.value : (point.value as { sum: number }).sum;
  return undefined;
}

describe('POST /outcome', () => {
  it('counts a purchase of a prediction with its value, and a conversion of it apart', async () => {
    const id = await predictionId();
    expect(await post('/outcome', { predictionId: id, name: 'purchase', value: 42.5 })).toEqual({
      status: 200,
      body: { outcome: 'counted' },
    });
    expect((await post('/outcome', { predictionId: id, name: 'conversion' })).status).toBe(200);
    expect(await metric('ml_outcome_value', 'purchase')).toBe(42.5);
    expect(await metric('ml_outcome', 'conversion')).toBe(1);
  });

  it('leaves the prediction to its label feedback', async () => {
    const id = await predictionId();
    expect((await post('/outcome', { predictionId: id, name: 'conversion' })).status).toBe(200);
    expect(await post('/feedback', { predictionId: id, label: 'setosa' })).toEqual({
      status: 200,
      body: { outcome: 'correct' },
    });
  });

  it('answers a second report of the same name 409 duplicate', async () => {
    const id = await predictionId();
    await post('/outcome', { predictionId: id, name: 'conversion' });
    expect(await post('/outcome', { predictionId: id, name: 'conversion' })).toMatchObject({
      status: 409,
      body: { error: 'duplicate' },
    });
  });

  it('answers an unknown prediction 404, an undeclared name or a negative value 400', async () => {
    const id = await predictionId();
    expect((await post('/outcome', { predictionId: 'nope', name: 'conversion' })).status).toBe(404);
    const undeclared = await post('/outcome', { predictionId: id, name: 'signup' });
    expect(undeclared).toMatchObject({ status: 400, body: { error: 'invalid' } });
    expect(undeclared.body.message).toContain('declared outcome name');
    expect((await post('/outcome', { predictionId: id, name: 'purchase', value: -3 })).status).toBe(400);
    expect((await post('/outcome', [id])).status).toBe(400);
    expect(lines.some((line) => line.includes('outcome not counted: unmatched'))).toBe(true);
  });
});
