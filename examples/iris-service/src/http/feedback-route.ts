import type { FeedbackActual, FeedbackOutcome, FeedbackTracker } from '@modelsight/core';
import type { RedisFeedbackStore } from '@modelsight/feedback-redis';
import type { ServiceConfig } from '../config';
import type { Route } from './route';

const URL = '/feedback';

/** What the client hears for each outcome: 200 when the feedback was used, else why not. */
const ANSWERS: Record<FeedbackOutcome, { status: number; message?: string }> = {
  correct: { status: 200 },
  incorrect: { status: 200 },
  matched: { status: 200 },
  invalid: { status: 400, message: 'send {"predictionId": "<id from /predict>", "label": "<true class>"}' },
  unmatched: { status: 404, message: 'no recent prediction has this ID (unknown, or too old to be remembered)' },
  duplicate: { status: 409, message: 'this prediction already received feedback' },
  expired: { status: 410, message: 'this prediction is older than the feedback time to live' },
  unavailable: { status: 503, message: 'the feedback store is unavailable; send the feedback again later' },
};

/**
 * `POST /feedback` with `{"predictionId": "…", "label": "setosa"}`: the true class of an earlier
 * prediction (or `"traceId"` instead of `"predictionId"` when the request made one prediction).
 * The tracker checks the fields itself and counts every answer in `ml_feedback_total`, bad ones
 * included; a body that is not a JSON object never reaches it and is counted as a rejected request.
 */
export function feedbackRoute(tracker: FeedbackTracker<RedisFeedbackStore | undefined>, config: ServiceConfig): Route {
  return {
    method: 'POST',
    url: URL,
    bodyLimit: config.maxBodyBytes,
    schema: { body: { type: 'object' } },
    config: { shapeHelp: ANSWERS.invalid.message },
    // A named function: the Fastify instrumentation names the handler span after it.
    handler: async function recordFeedback(request, reply) {
      const { predictionId, traceId, label } = request.body as Record<string, unknown>;
      // With a shared store (Redis) the outcome is known once the store has answered.
      const outcome = await (predictionId === undefined && typeof traceId === 'string'
        ? tracker.recordFeedbackByTraceId(traceId, label as FeedbackActual)
        : tracker.recordFeedback(predictionId as string, label as FeedbackActual));
      const answer = ANSWERS[outcome];
      if (answer.status >= 400) {
        const warning = {
          route: URL,
          status: answer.status,
          reason: outcome,
          message: `feedback not used: ${outcome}`,
        };
        request.server.rejectionLog.write(request.log, warning);
      }
      return reply
        .code(answer.status)
        .send(answer.message ? { outcome, error: outcome, message: answer.message } : { outcome });
    },
  };
}
