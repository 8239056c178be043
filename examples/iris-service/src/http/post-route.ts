import type { ServerResponse } from 'node:http';
import { readRequestText } from './read-request-text';
import type { Route } from './router';

/**
 * A `POST` route whose handler gets the body as text: read within `maxBodyBytes`, a larger body
 * being rejected (400, counted) before the handler runs.
 */
export function postRoute(path: string, maxBodyBytes: number, handle: (text: string, response: ServerResponse) => void | Promise<void>): Route {
  return {
    method: 'POST',
    path,
    async handle(request, response) {
      const text = await readRequestText(request, response, path, maxBodyBytes);
      if (text !== undefined) await handle(text, response);
    },
  };
}
