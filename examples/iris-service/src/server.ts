import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readConfig } from './config';
import { healthRoute } from './http/health-route';
import { predictRoute } from './http/predict-route';
import { findRoute, sendJson } from './http/router';
import type { Route } from './http/router';
import { logger } from './logger';
import { trainIrisClassifier } from './model/iris-classifier';
import { createMonitoring } from './monitoring';
import { createPredictor } from './predictor';

const config = readConfig();
const model = { name: config.modelName, version: config.modelVersion };

const classifier = trainIrisClassifier({
  epochs: config.epochs,
  learningRate: config.learningRate,
  l2: 1e-3,
  seed: config.seed,
});
logger.info(
  {
    'ml.model.name': model.name,
    'ml.model.version': model.version,
    train_rows: classifier.trainRows,
    test_rows: classifier.testRows,
    test_accuracy: classifier.testAccuracy,
    train_loss: Number(classifier.trainLoss.toFixed(4)),
    training_ms: Math.round(classifier.trainingMs),
  },
  'model trained',
);

const monitoring = createMonitoring(model, classifier, config);
const predictor = createPredictor(classifier, model, monitoring.observers);
const routes: Route[] = [
  healthRoute(classifier, model),
  predictRoute(predictor, model, config),
  ...monitoring.routes,
];

const server = createServer((request, response) => {
  const found = findRoute(routes, request.method, request.url);
  if (found.status === 404) {
    request.resume();
    sendJson(response, 404, { error: 'not_found', message: `no route for ${request.method} ${request.url}` });
    return;
  }
  if (found.status === 405) {
    request.resume();
    response.setHeader('allow', found.allowed.join(', '));
    sendJson(response, 405, { error: 'method_not_allowed', message: `use ${found.allowed.join(' or ')}` });
    return;
  }
  Promise.resolve()
    .then(() => found.route.handle(request, response))
    .catch((error: unknown) => {
      logger.error({ err: error }, 'request failed');
      if (!response.headersSent) sendJson(response, 500, { error: 'internal', message: 'internal error' });
      else response.destroy();
    });
});

// A client that sends its request slower than this is cut off rather than holding a socket forever.
server.requestTimeout = 30_000;

server.on('error', (error: NodeJS.ErrnoException) => {
  // Nothing to serve without the port: say which and why, and stop with a failure code.
  logger.fatal({ err: error, port: config.port, host: config.host }, `cannot listen on ${config.host}:${config.port}: ${error.code ?? error.message}`);
  process.exit(1);
});

server.listen(config.port, config.host, () => {
  const { port } = server.address() as AddressInfo;
  logger.info({ port, host: config.host, 'ml.model.version': model.version }, 'listening');
});
