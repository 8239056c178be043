import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Context,
  type MeterProvider,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { RPCType, setRPCMetadata, suppressTracing } from '@opentelemetry/core';
import { ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { OpenTelemetryInstrumentation } from '../types';
import { VERSION } from '../version';
import { KEEP_ALL_QUERY_PARAMS } from './http-redaction';
import { linkedTo } from './linked-context';
import { SERVER_REQUEST_STATE } from './http-route';
import { normalizeMethod, requestAttributes } from './http-server-attributes';
import { HTTP_SCOPE, type HttpServerDurations } from './http-server-durations';

/** Sets the context in which the rest of the current execution runs (the context manager's `attach`). */
export type AttachContext = (context: Context) => unknown;

/** Options of {@link HttpServerInstrumentation}. */
export interface HttpServerTracingOptions {
  /** Requests neither traced nor measured (the scrapes of `/metrics`). */
  readonly ignore: (request: IncomingMessage) => boolean;
  /** Query parameters whose values `url.query` keeps; `['*']` keeps the query as it came. */
  readonly keepQueryParams: readonly string[];
  /** Enters the context of a request for the app's handler (see the class). */
  readonly attach: AttachContext;
  /** Where the durations of the requests go. */
  readonly durations: HttpServerDurations;
  /**
   * Whether the request's context carries RPC metadata, where the Express and Fastify instrumentations
   * report the route: needed only when they run. @default false
   */
  readonly rpcMetadata?: boolean;
}

/** What the server span of one request needs until the response is sent; also its RPC metadata. */
class ServerRequestState {
  readonly type = RPCType.HTTP;
  route: string | undefined = undefined;
  constructor(
    readonly span: Span,
    readonly method: string,
    readonly scheme: string,
    readonly startMs: number,
  ) {}
}

type Request = IncomingMessage & { [SERVER_REQUEST_STATE]?: ServerRequestState };
type Response = ServerResponse & { req: Request };
const SERVER_SPAN = { kind: SpanKind.SERVER };
const SUPPRESSED = suppressTracing(ROOT_CONTEXT);

/**
 * HTTP server spans and `http.server.request.duration` from the channels on which Node reports each request
 * (`http.server.request.start`), with no patching of the server or of the request and response emitters.
 *
 * The span starts as the request arrives, named after the method, and is entered with `attach` in the
 * subscriber, which runs in the parser's callback just before the server emits `request`: the handler, and
 * the body's events that the same connection's parser emits later, run in it. A request that is not sampled
 * costs a non-recording span, that context, one `close` listener and one recorded duration: its attributes
 * are built only for a span that records. When the response is done, the span gets the status code and the
 * route a framework reported (`http.route`, and the name `METHOD route`), and ends.
 */
export class HttpServerInstrumentation implements OpenTelemetryInstrumentation {
  readonly instrumentationName = '@modelsight/node/http-server';
  readonly instrumentationVersion = VERSION;
  private tracer: Tracer = trace.getTracer(HTTP_SCOPE, VERSION);
  private enabled = false;
  private readonly keep: ReadonlySet<string> | undefined;
  // Called with the response as `this`: one listener for every response, no closure per request.
  private readonly onResponseClose: (this: Response) => void;

  constructor(private readonly options: HttpServerTracingOptions) {
    this.keep = options.keepQueryParams.includes(KEEP_ALL_QUERY_PARAMS) ? undefined : new Set(options.keepQueryParams);
    const instrumentation = this;
    this.onResponseClose = function (this: Response) {
      instrumentation.onResponseDone(this);
    };
  }

  enable(): void {
    if (this.enabled) return;
    this.enabled = true;
    subscribe('http.server.request.start', this.onRequestStart);
  }

  disable(): void {
    if (!this.enabled) return;
    this.enabled = false;
    unsubscribe('http.server.request.start', this.onRequestStart);
  }

  setTracerProvider(tracerProvider: TracerProvider): void {
    this.tracer = tracerProvider.getTracer(HTTP_SCOPE, VERSION);
  }

  /** The durations go to the readers through `HttpServerDurations.producer`, not through a meter. */
  setMeterProvider(_meterProvider: MeterProvider): void {}

  getConfig(): { enabled: boolean } {
    return { enabled: this.enabled };
  }

  private readonly onRequestStart = (message: unknown): void => {
    const { request, response } = message as { request: Request; response: Response };
    if (this.options.ignore(request)) {
      // Also leaves the context of the connection's previous request.
      this.options.attach(SUPPRESSED);
      return;
    }
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const method = normalizeMethod(request.method);
    const scheme = (request.socket as { encrypted?: boolean } | null)?.encrypted ? 'https' : 'http';
    const span = this.tracer.startSpan(request.method ?? 'GET', SERVER_SPAN, parent);
    const state = new ServerRequestState(span, method, scheme, performance.now());
    request[SERVER_REQUEST_STATE] = state;
    const requestContext = trace.setSpan(linkedTo(parent), span);
    this.options.attach(this.options.rpcMetadata ? setRPCMetadata(requestContext, state) : requestContext);
    if (span.isRecording()) span.setAttributes(requestAttributes(request, scheme, method, this.keep));
    response.on('close', this.onResponseClose);
  };

  private onResponseDone(response: Response): void {
    const request = response.req;
    const state = request?.[SERVER_REQUEST_STATE];
    if (state === undefined) return;
    request[SERVER_REQUEST_STATE] = undefined;
    const status = response.statusCode;
    const { span, route } = state;
    if (span.isRecording()) {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (route !== undefined) {
        span.setAttribute(ATTR_HTTP_ROUTE, route);
        span.updateName(`${request.method ?? 'GET'} ${route}`);
      }
      if (status >= 500 || status < 100) span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
    this.options.durations.record(
      state.method,
      state.scheme,
      request.httpVersion,
      status,
      route,
      (performance.now() - state.startMs) / 1000,
    );
  }
}
