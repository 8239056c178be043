import { FeedbackTracker } from '@modelsight/core';
import { createLogger } from '@modelsight/pino';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { readConfig } from '../src/config';
import { feedbackRoute } from '../src/http/feedback-route';
import { healthRoute } from '../src/http/health-route';
import { predictRoute } from '../src/http/predict-route';
import { trainIrisClassifier } from '../src/model/iris-classifier';
import { createPredictor } from '../src/predictor';

// The Fastify app itself, through light-my-request (no socket): the answer to each kind of body.
// The service under the preload, with its logs, spans and metrics, is tested in test/ at the root.
const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
const config = readConfig({ MAX_BATCH_SIZE: '10', MAX_BODY_BYTES: '100000', REJECTION_LOG_INTERVAL_MS: '0' });
const model = { name: 'iris-classifier', version: '0.0.1' };
const classifier = trainIrisClassifier({ epochs: 300, learningRate: 0.5, l2: 1e-3, seed: 42 });
const predictor = createPredictor(classifier, model, []);
const tracker = new FeedbackTracker({ model, labels: classifier.classes, task: 'classification' });
const lines: string[] = [];
const logger = createLogger({}, { write: (line: string) => void lines.push(line) });
const app = buildApp(
  [healthRoute(classifier, model), predictRoute(predictor, model, config), feedbackRoute(tracker, config)],
  config,
  logger,
);
afterAll(() => app.close());

const post = async (
  url: string,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) => {
  const response = await app.inject({
    method: 'POST',
    url,
    headers,
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
};
const predict = (body: unknown) => post('/predict', body);

describe('POST /predict', () => {
  it('predicts one row given by name', async () => {
    const answer = await predict({ features: row });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ model, prediction: 'setosa', predictionId: expect.any(String) });
  });

  it('predicts one row given as four numbers in feature order', async () => {
    expect((await predict({ features: [5.1, 3.5, 1.4, 0.2] })).body).toMatchObject({ prediction: 'setosa' });
  });

  it('predicts a batch of rows in either form, each with its own ID', async () => {
    const answer = await predict({ instances: [row, [6.3, 3.3, 6.0, 2.5]] });
    const predictions = answer.body.predictions as { prediction: string; predictionId: string }[];
    expect(predictions.map((item) => item.prediction)).toEqual(['setosa', 'virginica']);
    expect(predictions.map((item) => item.predictionId)).toEqual([
      `${answer.body.predictionId}.0`,
      `${answer.body.predictionId}.1`,
    ]);
  });

  it('rejects a body that is not JSON as invalid_json', async () => {
    expect(await predict('{"features": ')).toMatchObject({ status: 400, body: { error: 'invalid_json' } });
  });

  it('rejects an empty body as invalid_json', async () => {
    expect(await predict('')).toMatchObject({ status: 400, body: { error: 'invalid_json' } });
  });

  it('rejects a body not declared as JSON with 415 unsupported_media_type', async () => {
    const answer = await post('/predict', { features: row }, { 'content-type': 'text/plain' });
    expect(answer).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });
  });

  it('rejects a missing feature and names it', async () => {
    const { petal_width: _, ...partial } = row;
    expect(await predict({ features: partial })).toMatchObject({
      status: 400,
      body: { error: 'missing_feature', message: 'features.petal_width is missing' },
    });
  });

  it('rejects a null feature as missing', async () => {
    expect(await predict({ features: { ...row, sepal_width: null } })).toMatchObject({
      status: 400,
      body: { error: 'missing_feature', message: 'features.sepal_width is missing' },
    });
  });

  it('rejects a numeric string as non_numeric_feature and says where, instead of coercing it', async () => {
    expect(await predict({ instances: [row, [5.1, '3.5', 1.4, 0.2]] })).toMatchObject({
      status: 400,
      body: { error: 'non_numeric_feature', message: 'instances[1][1] (sepal_width) must be a number; got "3.5"' },
    });
  });

  it('rejects a value too large for a double as non_numeric_feature', async () => {
    expect(await predict('{"features": [1e999, 3.5, 1.4, 0.2]}')).toMatchObject({
      status: 400,
      body: {
        error: 'non_numeric_feature',
        message: 'features[0] (sepal_length) must be a finite number; got Infinity',
      },
    });
  });

  it('rejects a name that is not a feature as unknown_feature, instead of dropping it', async () => {
    expect(await predict({ features: { ...row, colour: 1 } })).toMatchObject({
      status: 400,
      body: {
        error: 'unknown_feature',
        message: expect.stringMatching(/^features has a name that is not a feature .*; got "colour"$/),
      },
    });
  });

  it('rejects a body with neither features nor instances as invalid_shape', async () => {
    expect(await predict({ rows: [row] })).toMatchObject({ status: 400, body: { error: 'invalid_shape' } });
    expect(await predict([row])).toMatchObject({ status: 400, body: { error: 'invalid_shape' } });
  });

  it('rejects a row with the wrong number of values as invalid_shape', async () => {
    expect(await predict({ features: [1, 2, 3] })).toMatchObject({
      status: 400,
      body: {
        error: 'invalid_shape',
        message: 'features has 3 values, expected 4 (sepal_length, sepal_width, petal_length, petal_width)',
      },
    });
  });

  it('rejects an empty batch as invalid_shape', async () => {
    expect(await predict({ instances: [] })).toMatchObject({ status: 400, body: { error: 'invalid_shape' } });
  });

  it('rejects a batch over the limit as batch_too_large', async () => {
    expect(await predict({ instances: Array.from({ length: 11 }, () => row) })).toMatchObject({
      status: 400,
      body: { error: 'batch_too_large', message: '"instances" has 11 rows, more than the limit of 10' },
    });
  });

  it('rejects a body over the limit as body_too_large', async () => {
    const answer = await predict({ instances: [row], padding: 'x'.repeat(100_000) });
    expect(answer).toMatchObject({ status: 400, body: { error: 'body_too_large' } });
    expect(answer.body.message).toMatch(/more than the limit of 100000/);
  });

  it('rejects a feature value nested 10,000 deep as non_numeric_feature', async () => {
    const answer = await predict(
      `{"features": {"sepal_length": 5.1, "sepal_width": ${'['.repeat(10_000)}${']'.repeat(10_000)}, "petal_length": 1.4, "petal_width": 0.2}}`,
    );
    expect(answer).toMatchObject({
      status: 400,
      body: { error: 'non_numeric_feature', message: 'features.sepal_width must be a number; got an array of 1 item' },
    });
  });

  it('shows the client no more than the first 24 characters of a rejected string', async () => {
    const answer = await predict({ features: { ...row, sepal_width: `${'w'.repeat(24)}${'x'.repeat(60_000)}` } });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe(
      `features.sepal_width must be a number; got "${'w'.repeat(24)}"… (60024 characters)`,
    );
  });

  it('answers 422 out_of_domain for a negative length', async () => {
    expect(await predict({ features: { ...row, petal_length: -1.4 } })).toMatchObject({
      status: 422,
      body: { error: 'out_of_domain', message: 'petal_length must be a finite length >= 0 cm, got -1.4' },
    });
  });

  it('answers 422 non_finite_output for lengths so large that the probabilities are not finite', async () => {
    expect(await predict({ features: [1e308, 1e308, 1e308, 1e308] })).toMatchObject({
      status: 422,
      body: { error: 'non_finite_output' },
    });
  });

  it('logs a rejection with its reason and route, and without the value', async () => {
    lines.length = 0;
    await predict({ features: { ...row, sepal_width: 'MARKER-1f3a' } });
    const warnings = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line['level'] === 40);
    expect(warnings).toMatchObject([
      {
        reason: 'non_numeric_feature',
        status: 400,
        route: '/predict',
        msg: 'rejected: features.sepal_width must be a number',
      },
    ]);
    expect(lines.join('')).not.toContain('MARKER-1f3a');
  });
});

describe('other routes', () => {
  it('answers GET /health with the model', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.json()).toMatchObject({ status: 'ok', model, classes: ['setosa', 'versicolor', 'virginica'] });
  });

  it('answers a known path with another method 405 and the allowed one', async () => {
    const response = await app.inject({ method: 'GET', url: '/predict' });
    expect(response.statusCode).toBe(405);
    expect(response.headers['allow']).toBe('POST');
  });

  it('answers an unknown path 404', async () => {
    const response = await app.inject({ method: 'GET', url: '/nothing-here' });
    expect([response.statusCode, response.json().error]).toEqual([404, 'not_found']);
  });

  it('answers a bad body sent to an unknown path 404, and logs no rejection with the client URL', async () => {
    lines.length = 0;
    const answers = await Promise.all(
      ['{"a":', 'x'.repeat(200_000)].map((payload) =>
        app.inject({
          method: 'POST',
          url: '/nothing-here?token=t0k3n',
          headers: { 'content-type': 'application/json' },
          payload,
        }),
      ),
    );
    expect(answers.map((response) => response.statusCode)).toEqual([404, 404]);
    expect(lines.filter((line) => line.includes('nothing-here'))).toEqual([]);
  });

  it('answers a bad body sent to a known path with another method 405', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/health',
      headers: { 'content-type': 'application/json' },
      payload: '{"a":',
    });
    expect(response.statusCode).toBe(405);
  });

  it('answers feedback that is not a JSON object with 400 invalid_shape and how to send it', async () => {
    expect(await post('/feedback', '["setosa"]')).toMatchObject({
      status: 400,
      body: { error: 'invalid_shape', message: expect.stringContaining('"predictionId"') },
    });
  });

  it('answers feedback for an unknown prediction 404 unmatched', async () => {
    expect(await post('/feedback', { predictionId: 'nope', label: 'setosa' })).toMatchObject({
      status: 404,
      body: { outcome: 'unmatched' },
    });
  });
});
