import type { IncomingMessage, ServerResponse } from 'node:http';

/** One endpoint: method, exact path, and its handler. */
export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  handle(request: IncomingMessage, response: ServerResponse): Promise<void> | void;
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** Finds the route of a request: 404 for an unknown path, 405 for a known path with another method. */
export function findRoute(routes: readonly Route[], method: string | undefined, url: string | undefined) {
  const path = (url ?? '/').split('?')[0];
  const forPath = routes.filter((route) => route.path === path);
  if (forPath.length === 0) return { status: 404 as const, allowed: [] as string[] };
  const route = forPath.find((candidate) => candidate.method === method);
  return route ? { status: 200 as const, route } : { status: 405 as const, allowed: forPath.map((r) => r.method) };
}
