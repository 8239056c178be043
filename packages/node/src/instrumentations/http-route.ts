import type { IncomingMessage } from 'node:http';
import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

/** Where the server span of a request keeps what is learnt about it while the app handles it. */
export const SERVER_REQUEST_STATE = Symbol('modelsight.http.server.state');

/** What the route sources write: the matched route, as the framework spells it (`/models/:name`). */
export interface RouteHolder {
  route?: string;
}

type WithState = IncomingMessage & { [SERVER_REQUEST_STATE]?: RouteHolder };

/**
 * Records `route` as the matched route of `request`: on the state of our server span when it has one,
 * otherwise on the RPC metadata of the active context, where `@opentelemetry/instrumentation-http` (an
 * http instrumentation the app passed in place of ours) reads it, as the framework instrumentations do.
 * A route already set stays: the innermost router of a framework sets it first.
 */
export function setRequestRoute(request: IncomingMessage, route: string): void {
  const state = (request as WithState)[SERVER_REQUEST_STATE];
  if (state) {
    state.route ??= route;
    return;
  }
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route ??= route;
}
