// Starts one iris service under the preload and keeps its pino lines (stdout) for correlation.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

/** A free TCP port on loopback (the OS picks it; closed again before use). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `node <preloadFlag> @modelsight/node/register <entry>` in `cwd` and resolves when the
 * service logs its `listening` line.
 */
export async function startService({ cwd, entry, preloadFlag, env, label, startTimeoutMs = 30_000 }) {
  const child = spawn(process.execPath, [preloadFlag, '@modelsight/node/register', entry], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  const stderr = [];
  let exited = false;
  const exit = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }),
  );
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${label}: no "listening" line within ${startTimeoutMs} ms`)),
      startTimeoutMs,
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      let parsed;
      try {
        parsed = JSON.parse(line);
      } catch {
        return;
      }
      lines.push(parsed);
      if (parsed.msg === 'listening') {
        clearTimeout(timer);
        resolve(parsed.port);
      }
    });
    exit.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(
          `${label} exited (code ${code}, signal ${signal}) before listening:\n${stderr.slice(-20).join('\n')}`,
        ),
      );
    });
  });
  const port = await listening;
  return {
    label,
    port,
    url: `http://127.0.0.1:${port}`,
    lines,
    stderr,
    get exited() {
      return exited;
    },
    /** Last resort when the demo itself is going away: no flush, no wait. */
    killNow() {
      if (!exited) child.kill('SIGKILL');
    },
    /** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
    async stop(graceMs = 10_000) {
      if (exited) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exit;
      clearTimeout(timer);
      return result;
    },
  };
}
