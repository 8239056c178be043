import { metrics } from '@opentelemetry/api';

/** Why a request was turned away before reaching the model. A closed set: it is a metric label. */
export type RejectionReason =
  | 'invalid_json'
  | 'invalid_shape'
  | 'missing_feature'
  | 'non_numeric_feature'
  | 'unknown_feature'
  | 'body_too_large'
  | 'batch_too_large'
  | 'unsupported_media_type'
  | 'bad_request';

/** A request the service answers with a 4xx and never passes to the model. */
export interface Rejection {
  readonly reason: RejectionReason;
  /** What is wrong and where, in words of the service only: it goes to the log and to the client. */
  readonly message: string;
  /**
   * A short preview of the client's offending value (see `previewValue`), for the answer only: the
   * client sent it, but a log line never carries it.
   */
  readonly preview?: string;
}

/** The HTTP status of a rejection: 400, or 415 for a body that is not declared as JSON. */
export function rejectionStatus(reason: RejectionReason): number {
  return reason === 'unsupported_media_type' ? 415 : 400;
}

const rejectedRequests = metrics.getMeter('@modelsight/example-iris-service').createCounter('http.rejected_requests', {
  description: 'Requests answered 4xx before reaching the model, by reason',
  unit: '{request}',
});

/** Counts a rejection (Prometheus: `http_rejected_requests_total{reason,http_route}`). */
export function countRejection(reason: RejectionReason, route: string): void {
  rejectedRequests.add(1, { reason, 'http.route': route });
}
