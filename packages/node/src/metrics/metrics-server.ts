import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { warnOnce, note } from '../diagnostics/warn-once';

/** The Prometheus `/metrics` endpoint, served by a server that never keeps the process alive. */
export interface MetricsServer {
  /** Port it listens on, once listening. */
  port(): number | undefined;
  /** Whether `request` came to this server (a property read: no system call, unlike the socket's port). */
  serves(request: IncomingMessage): boolean;
  url(): string | undefined;
  close(): Promise<void>;
}

/**
 * Serves `handler` on `host:port` at `/metrics`. The exporter's own server is not used because its port
 * conflicts must not crash the service (they are warned about instead) and because it would keep a
 * process alive that has nothing else to do.
 */
export function serveMetrics(
  host: string,
  port: number,
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): MetricsServer {
  let listening: AddressInfo | undefined;
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if ((request.method === 'GET' || request.method === 'HEAD') && path === '/metrics') {
      // HEAD answers as GET does, without the body (node:http leaves it out).
      handler(request, response);
      return;
    }
    response.statusCode = 404;
    response.end('Not found: the Prometheus metrics are at /metrics\n');
  });
  server.on('error', (error: NodeJS.ErrnoException) => {
    warnOnce(
      `metrics-server:${host}:${port}`,
      `cannot serve Prometheus metrics on ${host}:${port} (${error.code ?? error.message}); ` +
        '/metrics is off, the service runs on. Choose another port with OTEL_EXPORTER_PROMETHEUS_PORT.',
    );
  });
  server.listen(port, host, () => {
    listening = server.address() as AddressInfo;
    note(`Prometheus metrics served at http://${host}:${listening.port}/metrics`);
  });
  server.unref();
  return {
    port: () => listening?.port,
    // Node sets `server` on each connection a server accepts.
    serves: (request) => (request.socket as { server?: unknown } | null)?.server === server,
    url: () => (listening ? `http://${displayHost(host)}:${listening.port}/metrics` : undefined),
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
