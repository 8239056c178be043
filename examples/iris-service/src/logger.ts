import { createLogger } from '@modelsight/pino';

/** JSON lines on stdout with trace IDs, and the model while inside a prediction. */
export const logger = createLogger({ name: 'iris-service', base: { pid: process.pid } });
