import type { FeedbackTracker, OutcomeStatus } from '@modelsight/core';
import type { RedisFeedbackStore } from '@modelsight/feedback-redis';
import type { ServiceConfig } from '../config';
import type { Route } from './route';

const URL = '/outcome';

/** What the client hears for each status: 200 when the outcome was counted, else why not. */
const ANSWERS: Record<OutcomeStatus, { status: number; message?: string }> = {
  counted: { status: 200 },
  invalid: {
    status: 400,
    message:
      'send {"predictionId": "<id from /predict>", "name": "<declared outcome name>", "value": <number >= 0, optional>}',
  },
  unmatched: { status: 404, message: 'no recent prediction has this ID (unknown, or too old to be remembered)' },
  duplicate: { status: 409, message: 'this prediction already has an outcome of this name' },
  expired: { status: 410, message: 'this prediction is older than the feedback time to live' },
  unavailable: { status: 503, message: 'the feedback store is unavailable; send the outcome again later' },
};

/**
 * `POST /outcome` with `{"predictionId": "…", "name": "purchase", "value": 42.5}`: a business
 * outcome of an earlier prediction (`value` defaults to 1). The tracker checks the fields itself and
 * counts every answer (`ml_outcome_total`, `ml_outcome_value_sum`, `ml_outcome_rejected_total`).
 */
export function outcomeRoute(tracker: FeedbackTracker<RedisFeedbackStore | undefined>, config: ServiceConfig): Route {
  return {
    method: 'POST',
    url: URL,
    bodyLimit: config.maxBodyBytes,
    schema: { body: { type: 'object' } },
    config: { shapeHelp: ANSWERS.invalid.message },
    // A named function: the Fastify instrumentation names the handler span after it.
    handler: async function recordOutcome(request, reply) {
      const { predictionId, name, value } = request.body as Record<string, unknown>;
      const status = await tracker.recordOutcome(predictionId as string, name as string, (value ?? 1) as number);
      const answer = ANSWERS[status];
      if (answer.status >= 400) {
        const warning = {
          route: URL,
          status: answer.status,
          reason: status,
          message: `outcome not counted: ${status}`,
        };
        request.server.rejectionLog.write(request.log, warning);
      }
      return reply
        .code(answer.status)
        .send(answer.message ? { outcome: status, error: status, message: answer.message } : { outcome: status });
    },
  };
}
