import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { KoaInstrumentation } from '@opentelemetry/instrumentation-koa';
import { warnOnce } from '../diagnostics/warn-once';

type KoaMiddleware = (koaContext: { _matchedRoute?: unknown }, next: () => Promise<unknown>) => unknown;
type PatchLayer = (layer: KoaMiddleware, isRouter: boolean, layerPath?: string) => KoaMiddleware;

/**
 * The Koa instrumentation without its spans: each middleware of a @koa/router route only hands the route
 * (`ctx._matchedRoute`) to the HTTP server span through the request's RPC metadata, the mechanism the
 * instrumentation itself uses, and other middleware is left as it is. The instrumentation makes a span per
 * middleware and per routed handler otherwise; its `ignoreLayersType` cannot keep the route without the
 * router spans.
 *
 * It replaces the instrumentation's `_patchLayer` (the one function it wraps each layer with) on this
 * instance; the version is the one bundled here. Where that function is missing, the instrumentation keeps
 * its spans, so that the route still arrives, and a warning says so.
 */
export function routeOnly(instrumentation: KoaInstrumentation): KoaInstrumentation {
  const patchable = instrumentation as unknown as { _patchLayer?: PatchLayer };
  if (typeof patchable._patchLayer !== 'function') {
    warnOnce(
      'koa-route-only',
      'the Koa instrumentation has no _patchLayer: Koa makes its own spans (as with MODELSIGHT_FRAMEWORK_SPANS=true)',
    );
    return instrumentation;
  }
  const patched = new WeakSet<KoaMiddleware>();
  patchable._patchLayer = (layer, isRouter) => {
    if (!isRouter || patched.has(layer)) return layer;
    const reportRoute: KoaMiddleware = (koaContext, next) => {
      const metadata = getRPCMetadata(context.active());
      if (metadata?.type === RPCType.HTTP && koaContext._matchedRoute !== undefined) {
        metadata.route = String(koaContext._matchedRoute);
      }
      return layer(koaContext, next);
    };
    patched.add(reportRoute);
    return reportRoute;
  };
  return instrumentation;
}
