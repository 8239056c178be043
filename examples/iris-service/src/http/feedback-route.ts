import type { FeedbackActual, FeedbackOutcome, FeedbackTracker } from '@modelsight/core';
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
};

/**
 * `POST /feedback` with `{"predictionId": "…", "label": "setosa"}`: the true class of an earlier
 * prediction (or `"traceId"` instead of `"predictionId"` when the request made one prediction).
 * The tracker checks the fields itself and counts every answer in `ml_feedback_total`, bad ones
 * included; a body that is not a JSON object never reaches it and is counted as a rejected request.
 */
export function feedbackRoute(tracker: FeedbackTracker, config: ServiceConfig): Route {
  return {
    method: 'POST',
    url: URL,
    bodyLimit: config.maxBodyBytes,
    schema: { body: { type: 'object' } },
    config: { shapeHelp: ANSWERS.invalid.message },
    handler(request, reply) {
      const { predictionId, traceId, label } = request.body as Record<string, unknown>;
      const outcome =
        predictionId === undefined && typeof traceId === 'string'
          ? tracker.recordFeedbackByTraceId(traceId, label as FeedbackActual)
          : tracker.recordFeedback(predictionId as string, label as FeedbackActual);
      const answer = ANSWERS[outcome];
      if (answer.status >= 400) {
        const warning = { route: URL, status: answer.status, reason: outcome, message: `feedback not used: ${outcome}` };
        request.server.rejectionLog.write(request.log, warning);
      }
      return reply.code(answer.status).send(answer.message ? { outcome, error: outcome, message: answer.message } : { outcome });
    },
  };
}
