import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly bytes: number; readonly declared: boolean };

/**
 * Reads the body as UTF-8 up to `limit` bytes. A body declared larger by its `content-length` is
 * refused at once, unread; a larger chunked body is read on without being kept until it ends or
 * goes past `limit` again. Either way the caller answers and closes the connection.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      resolve({ ok: false, bytes: declared, declared: true });
      return;
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes <= limit) {
        chunks.push(chunk);
      } else if (!settled) {
        settled = true;
        chunks.length = 0;
        request.off('data', onData);
        request.resume(); // discard the rest rather than buffer it
        resolve({ ok: false, bytes, declared: false });
      }
    };
    request.on('data', onData);
    request.on('end', () => {
      if (!settled) {
        settled = true;
        resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
      }
    });
    request.on('error', (error) => {
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
  });
}
