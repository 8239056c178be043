import type { FeedbackActual, FeedbackOutcome, FeedbackTracker } from '@modelsight/core';
import type { RedisFeedbackStore } from '@modelsight/feedback-redis';
import type { ServiceConfig } from '../config';
import { logger } from '../logger';
import { postRoute } from './post-route';
import { reject } from './reject';
import { sendJson } from './router';
import type { Route } from './router';

const ROUTE = '/feedback';

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
  return postRoute(ROUTE, config.maxBodyBytes, async (text, response) => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      reject(response, ROUTE, { reason: 'invalid_json', message: `body is not valid JSON: ${(error as Error).message}` });
      return;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      reject(response, ROUTE, { reason: 'invalid_shape', message: `body must be a JSON object; ${ANSWERS.invalid.message}` });
      return;
    }
    const { predictionId, traceId, label } = body as Record<string, unknown>;
    const outcome = await (
      predictionId === undefined && typeof traceId === 'string'
        ? tracker.recordFeedbackByTraceId(traceId, label as FeedbackActual)
        : tracker.recordFeedback(predictionId as string, label as FeedbackActual)
    );
    const answer = ANSWERS[outcome];
    if (answer.status >= 400) logger.warn({ outcome, status: answer.status }, `feedback not used: ${outcome}`);
    sendJson(response, answer.status, answer.message ? { outcome, error: outcome, message: answer.message } : { outcome });
  });
}
