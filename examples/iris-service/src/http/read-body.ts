import type { IncomingMessage } from 'node:http';

export type BodyResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly bytes: number };

/** Past this many times the limit the client is cut off instead of being read to the end. */
const DRAIN_FACTOR = 16;

/**
 * Reads the body as UTF-8 up to `limit` bytes. A larger body is read to its end without being kept
 * (so the client still gets its answer), unless it goes on far past the limit: then the socket is closed.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit * DRAIN_FACTOR) {
      request.destroy();
      resolve({ ok: false, bytes: declared });
      return;
    }
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limit) chunks.push(chunk);
      else if (bytes > limit * DRAIN_FACTOR) request.destroy();
    });
    request.on('end', () => {
      resolve(bytes <= limit ? { ok: true, text: Buffer.concat(chunks).toString('utf8') } : { ok: false, bytes });
    });
    request.on('close', () => {
      if (bytes > limit) resolve({ ok: false, bytes });
    });
    request.on('error', reject);
  });
}
