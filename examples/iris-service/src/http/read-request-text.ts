import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './read-body';
import { reject } from './reject';

/** Reads a request body within the size limit; an oversized one is rejected and `undefined` returned. */
export async function readRequestText(
  request: IncomingMessage,
  response: ServerResponse,
  route: string,
  maxBodyBytes: number,
): Promise<string | undefined> {
  const body = await readBody(request, maxBodyBytes);
  if (body.ok) return body.text;
  // The rest of the body is not read: close the connection once answered instead of draining it.
  response.shouldKeepAlive = false;
  reject(response, route, {
    reason: 'body_too_large',
    message: `body ${body.declared ? 'declares' : 'has more than'} ${body.bytes} bytes, more than the limit of ${maxBodyBytes}`,
  });
  return undefined;
}
