import { metrics } from '@opentelemetry/api';

/** Why a request was turned away before reaching the model. A closed set: it is a metric label. */
export type RejectionReason =
  | 'invalid_json'
  | 'invalid_shape'
  | 'missing_feature'
  | 'non_numeric_feature'
  | 'unknown_feature'
  | 'body_too_large'
  | 'batch_too_large';

/** A request the service answers with 400 and never passes to the model. */
export interface Rejection {
  readonly reason: RejectionReason;
  readonly message: string;
}

const rejectedRequests = metrics
  .getMeter('@modelsight/example-iris-service')
  .createCounter('http.rejected_requests', {
    description: 'Requests answered 400 before reaching the model, by reason',
    unit: '{request}',
  });

/** Counts a rejection (Prometheus: `http_rejected_requests_total{reason,http_route}`). */
export function countRejection(reason: RejectionReason, route: string): void {
  rejectedRequests.add(1, { reason, 'http.route': route });
}
