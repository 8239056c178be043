import { buildApp } from './app';
import { readConfig } from './config';
import { healthRoute } from './http/health-route';
import { predictRoute } from './http/predict-route';
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
const predictor = createPredictor(classifier, model, monitoring.observers, config, monitoring.feedback);
const app = buildApp(
  [healthRoute(classifier, model), predictRoute(predictor, model, config), ...monitoring.routes],
  config,
  logger,
);

app.listen({ port: config.port, host: config.host }).then(
  () => {
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    logger.info({ port, host: config.host, 'ml.model.version': model.version }, 'listening');
  },
  (error: NodeJS.ErrnoException) => {
    // Nothing to serve without the port: say which and why, and stop with a failure code.
    logger.fatal(
      { err: error, port: config.port, host: config.host },
      `cannot listen on ${config.host}:${config.port}: ${error.code ?? error.message}`,
    );
    process.exit(1);
  },
);
